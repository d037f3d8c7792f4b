// Create or edit a project: the fields, a JSON schema editor validated live
// (locally for JSON syntax, by the server for meaning) and a live preview of
// the workspace the schema produces.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { projects, type ProjectInput } from '../api/endpoints';
import type { NextTask, TaskOrder } from '../api/types';
import { managedOrganizations, useAuth } from '../app/auth';
import { ErrorBox, errorText } from '../app/errors';
import { navigate } from '../app/router';
import { parseSchema, sampleData, SchemaError, type Schema } from '../core/schema';
import { useI18n } from '../i18n';
import { TaskEditor } from '../workspace/TaskEditor';

const ORDERS: TaskOrder[] = ['sequential', 'random', 'priority', 'uncertainty'];

export const EXAMPLE_SCHEMA = {
  data: { text: 'text' },
  labels: {
    sentiment: { type: 'choice', options: ['pos', 'neg', 'neu'], required: true },
    entities: { type: 'spans', on: 'text', options: ['PER', 'ORG', 'LOC'] },
    quality: { type: 'rating', min: 1, max: 5 },
  },
};

type Check = { kind: 'idle' } | { kind: 'checking' } | { kind: 'valid' } | { kind: 'invalid'; lines: string[] };

export function ProjectFormPage({ projectId }: { projectId: number | null }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const orgs = managedOrganizations(me);
  const [form, setForm] = useState<Omit<ProjectInput, 'schema'>>({
    organization: orgs[0]?.id ?? 0,
    name: '',
    domain: '',
    description: '',
    instructions: '',
    overlap: 1,
    task_order: 'sequential',
  });
  const [schemaText, setSchemaText] = useState(JSON.stringify(EXAMPLE_SCHEMA, null, 2));
  const [loadedName, setLoadedName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [check, setCheck] = useState<Check>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (projectId === null) return;
    projects.get(projectId).then(
      (p) => {
        setForm({ organization: p.organization, name: p.name, domain: p.domain, description: p.description, instructions: p.instructions, overlap: p.overlap, task_order: p.task_order });
        setSchemaText(JSON.stringify(p.schema, null, 2));
        setLoadedName(p.name);
      },
      (e: unknown) => setError(e),
    );
  }, [projectId]);

  const parsed = useMemo((): { json: unknown; error: string | null } => {
    try {
      return { json: JSON.parse(schemaText) as unknown, error: null };
    } catch (e) {
      return { json: undefined, error: (e as Error).message };
    }
  }, [schemaText]);

  const local = useMemo((): Schema | SchemaError | null => {
    if (parsed.error) return null;
    try {
      return parseSchema(parsed.json);
    } catch (e) {
      return e instanceof SchemaError ? e : null;
    }
  }, [parsed]);

  // live validation by the server, debounced
  useEffect(() => {
    if (parsed.error) {
      setCheck({ kind: 'invalid', lines: [t('form.schemaInvalidJson', { message: parsed.error })] });
      return;
    }
    const ctl = new AbortController();
    setCheck({ kind: 'checking' });
    const timer = window.setTimeout(() => {
      projects.validateSchema(parsed.json, ctl.signal).then(
        () => setCheck({ kind: 'valid' }),
        (e: unknown) => {
          if (e instanceof DOMException && e.name === 'AbortError') return;
          if (e instanceof ApiError && e.status === 400) setCheck({ kind: 'invalid', lines: e.messages });
          else if (local instanceof SchemaError) setCheck({ kind: 'invalid', lines: [local.message] });
          else setCheck({ kind: 'invalid', lines: [errorText(e, t)] });
        },
      );
    }, 400);
    return () => {
      window.clearTimeout(timer);
      ctl.abort();
    };
  }, [parsed, local, t]);

  const previewItem = useMemo((): NextTask | null => {
    if (!local || local instanceof SchemaError) return null;
    return {
      task: { id: 0, project: projectId ?? 0, data: sampleData(local), media_url: null, media_width: null, media_height: null, status: 'open', priority: 0, submitted_count: 0, created_at: '' },
      predictions: [],
      annotation: null,
      lease_expires_at: null,
    };
  }, [local, projectId]);

  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setSaved(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (parsed.error) return;
    setBusy(true);
    setError(null);
    try {
      const body: ProjectInput = { ...form, schema: parsed.json };
      if (projectId === null) {
        const p = await projects.create(body);
        navigate(`/projects/${p.id}/import`);
      } else {
        const { organization: _fixed, ...changes } = body; // a project never moves between bases
        void _fixed;
        const p = await projects.update(projectId, changes);
        setLoadedName(p.name);
        setSaved(true);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{projectId === null ? t('form.createTitle') : t('form.editTitle', { name: loadedName })}</h1>
      <div className="two-col">
        <form onSubmit={submit} className="project-form">
          {projectId === null && (
            <label>
              {t('form.organization')}
              <select value={form.organization} onChange={(e) => set('organization', Number(e.target.value))}>
                {orgs.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t('form.name')}
            <input value={form.name} onChange={(e) => set('name', e.target.value)} required maxLength={200} />
          </label>
          <label>
            {t('form.domain')}
            <input value={form.domain} onChange={(e) => set('domain', e.target.value)} maxLength={100} required />
          </label>
          <label>
            {t('form.description')}
            <textarea value={form.description} onChange={(e) => set('description', e.target.value)} rows={2} />
          </label>
          <label>
            {t('form.instructions')}
            <textarea value={form.instructions} onChange={(e) => set('instructions', e.target.value)} rows={3} />
          </label>
          <div className="row">
            <label>
              {t('form.overlap')}
              <input type="number" min={1} max={20} value={form.overlap} onChange={(e) => set('overlap', Number(e.target.value))} />
            </label>
            <label>
              {t('form.taskOrder')}
              <select value={form.task_order} onChange={(e) => set('task_order', e.target.value as TaskOrder)}>
                {ORDERS.map((o) => (
                  <option key={o} value={o}>
                    {t(`order.${o}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label>
            {t('form.schema')}
            <textarea className="code" value={schemaText} onChange={(e) => setSchemaText(e.target.value)} rows={16} spellCheck={false} aria-invalid={check.kind === 'invalid'} aria-describedby="schema-check" />
          </label>
          <div id="schema-check" aria-live="polite">
            {check.kind === 'checking' && <p className="muted">{t('form.schemaChecking')}</p>}
            {check.kind === 'valid' && <p className="ok">{t('form.schemaValid')}</p>}
            {check.kind === 'invalid' && (
              <ul className="error">
                {check.lines.map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            )}
          </div>
          <p>
            <button type="button" onClick={() => setSchemaText(JSON.stringify(EXAMPLE_SCHEMA, null, 2))}>
              {t('form.insertExample')}
            </button>
          </p>
          <ErrorBox error={error} />
          {saved && <p className="ok" role="status">{t('form.saved')}</p>}
          <button type="submit" className="primary" disabled={busy || parsed.error !== null}>
            {projectId === null ? t('form.create') : t('common.save')}
          </button>
        </form>
        <div className="preview" aria-label={t('form.preview')} role="region">
          <h2>{t('form.preview')}</h2>
          {previewItem && local && !(local instanceof SchemaError) ? (
            <TaskEditor key={schemaText} schema={local} instructions={form.instructions} item={previewItem} preview />
          ) : (
            <p className="muted">{t('form.previewUnavailable')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
