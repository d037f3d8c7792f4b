// The annotator's page for one project: asks for the next task, keeps one
// fetched ahead so it shows at once after a submit, and hosts the editor.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import { projects } from '../api/endpoints';
import type { NextTask } from '../api/types';
import { ErrorBox } from '../app/errors';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { Link } from '../app/router';
import { useAsync } from '../app/useAsync';
import { parseSchema, SchemaError } from '../core/schema';
import { useI18n } from '../i18n';
import { useFastPrelabel } from '../prelabel/useFastPrelabel';
import { TaskEditor, type DoneKind } from './TaskEditor';

function preloadMedia(n: NextTask | undefined): void {
  if (n?.task.media_url) {
    const img = new Image();
    img.src = n.task.media_url;
  }
}

/** Ask for a task other than `currentId` (the server returns the caller's own lease first). */
function fetchAhead(projectId: number, currentId: number): Promise<NextTask | undefined> {
  return api.post<NextTask | undefined>(`/api/v1/projects/${projectId}/next-task/?exclude=${currentId}`).then((n) => (n && n.task.id !== currentId ? n : undefined));
}

export function WorkspacePage({ projectId }: { projectId: number }) {
  const { t } = useI18n();
  const project = useAsync(() => projects.get(projectId), [projectId]);
  const [current, setCurrent] = useState<NextTask | null | 'none'>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const ahead = useRef<Promise<NextTask | undefined> | null>(null);

  const schema = useMemo(() => {
    if (!project.data) return null;
    try {
      return parseSchema(project.data.schema);
    } catch (e) {
      return e instanceof SchemaError ? e : null;
    }
  }, [project.data]);

  const load = useCallback(async () => {
    setError(null);
    try {
      const n = await projects.nextTask(projectId);
      setCurrent(n ?? 'none');
    } catch (e) {
      setError(e);
    }
  }, [projectId]);

  useEffect(() => {
    void load();
  }, [load]);

  // a task shown without a suggestion asks for one (the fast path); it never blocks input
  const onResultChange = useFastPrelabel(current === null || current === 'none' ? null : current, setCurrent);

  // fetch the following task while this one is being labelled
  const currentId = current === null || current === 'none' ? null : current.task.id;
  useEffect(() => {
    if (currentId === null) return;
    const p = fetchAhead(projectId, currentId).catch(() => undefined);
    ahead.current = p;
    void p.then(preloadMedia);
  }, [currentId, projectId]);

  const onDone = useCallback(
    async (kind: DoneKind, taskId: number) => {
      setNotice(kind === 'submitted' ? t('ws.submitted', { id: taskId }) : t('ws.skipped', { id: taskId }));
      const pending = ahead.current;
      ahead.current = null;
      const next = pending ? await pending : undefined;
      if (next && next.task.id !== taskId) setCurrent(next);
      else await load();
    },
    [load, t],
  );

  const name = project.data?.name ?? '';
  return (
    <div className="workspace">
      <header className="topbar">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <Link to="/">{t('nav.projects')}</Link>
        <h1 className="ws-title">{t('ws.title', { name })}</h1>
        <span className="spacer" />
        <LanguageSwitch />
      </header>
      <main className="page wide">
        <ErrorBox error={project.error ?? error} />
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {schema instanceof SchemaError && <div role="alert" className="error">{schema.message}</div>}
        {(project.loading || current === null) && !error && <p>{t('common.loading')}</p>}
        {current === 'none' && <p className="done">{t('ws.noMore')}</p>}
        {schema && !(schema instanceof SchemaError) && current && current !== 'none' && project.data && (
          <TaskEditor
            key={`${current.task.id}:${current.predictions[0]?.id ?? ''}:${reloadKey}`}
            schema={schema}
            instructions={project.data.instructions}
            item={current}
            onResultChange={onResultChange}
            onDone={(k, id) => void onDone(k, id)}
            onReload={() => {
              setReloadKey((n) => n + 1);
              void load();
            }}
          />
        )}
      </main>
    </div>
  );
}
