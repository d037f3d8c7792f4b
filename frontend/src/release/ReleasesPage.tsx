// /projects/:id/releases — the project's releases and, for managers, the form that makes a new one.
import { useState, type FormEvent } from 'react';
import { projects, rows } from '../api/endpoints';
import type { Job } from '../api/types';
import { canManage, useAuth } from '../app/auth';
import { ErrorBox } from '../app/errors';
import { Link, navigate } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useI18n, type MessageKey } from '../i18n';
import { releases, SOURCES, type Release, type Source } from './api';
import { buildFilters, type FilterProblem } from './filters';
import { JobStatus, useJob } from './JobStatus';
import { formatDate, formatNumber, userName } from './format';
import { DataTable } from './Tables';

export function ReleasesPage({ projectId }: { projectId: number }) {
  const { t, lang } = useI18n();
  const { me } = useAuth();
  const project = useAsync(() => projects.get(projectId), [projectId]);
  const list = useAsync(() => releases.list(projectId), [projectId]);
  const manager = project.data ? canManage(me, project.data.organization) : false;
  const items = list.data ? rows(list.data) : [];
  return (
    <section>
      <div className="page-head">
        <h1>{t('release.list.title', { name: project.data?.name ?? '' })}</h1>
        <Link to={`/projects/${projectId}/quality`} className="button">{t('release.nav.quality')}</Link>
      </div>
      <ErrorBox error={project.error ?? list.error} />
      {manager && <NewRelease projectId={projectId} onBuilt={list.reload} />}
      <h2>{t('release.list.heading')}</h2>
      {list.loading && !list.data && <p>{t('common.loading')}</p>}
      {list.data && items.length === 0 && <p>{t('release.list.empty')}</p>}
      {items.length > 0 && (
        <DataTable
          caption={t('release.list.heading')}
          headers={[t('release.field.version'), t('release.field.name'), t('release.field.state'), t('release.field.records'), t('release.field.createdAt'), t('release.field.createdBy')]}
          rows={items.map((r: Release) => ({
            key: r.id,
            cells: [
              <Link to={`/releases/${r.id}`}>{t('release.versionLabel', { version: r.version })}</Link>,
              r.name || t('common.none'),
              t(`release.state.${r.state}` as MessageKey),
              formatNumber(r.record_count, lang),
              formatDate(r.created_at, lang),
              userName(r.created_by),
            ],
          }))}
        />
      )}
    </section>
  );
}

function NewRelease({ projectId, onBuilt }: { projectId: number; onBuilt: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [minAgreement, setMinAgreement] = useState('');
  const [sources, setSources] = useState<Source[]>([...SOURCES]);
  const [problems, setProblems] = useState<Partial<Record<string, FilterProblem>>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [releaseId, setReleaseId] = useState<number | null>(null);
  const { job, error: jobError, follow } = useJob((done: Job) => {
    onBuilt();
    if (done.state === 'succeeded' && releaseId !== null) navigate(`/releases/${releaseId}`);
  });

  const toggle = (s: Source) => setSources((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildFilters({ minAgreement, sources });
    setProblems(built.problems);
    if (Object.keys(built.problems).length > 0) return;
    setBusy(true);
    setError(null);
    follow(null);
    try {
      const res = await releases.create(projectId, { name: name.trim(), note: note.trim(), filters: built.filters });
      setReleaseId(res.release.id);
      follow(res.job);
      onBuilt();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const problem = (field: string) => {
    const p = problems[field];
    return p ? <p className="error" role="alert">{t(`release.filter.${p}` as MessageKey)}</p> : null;
  };

  return (
    <form onSubmit={submit} className="card" aria-labelledby="new-release-heading">
      <h2 id="new-release-heading">{t('release.new.title')}</h2>
      <div className="row">
        <label>
          {t('release.field.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
        </label>
        <label>
          {t('release.filter.minAgreement')}
          <input value={minAgreement} onChange={(e) => setMinAgreement(e.target.value)} inputMode="decimal" placeholder="0.8" />
        </label>
      </div>
      <p className="hint">{t('release.filter.minAgreementHelp')}</p>
      {problem('min_agreement')}
      <fieldset>
        <legend>{t('release.filter.sources')}</legend>
        {SOURCES.map((s) => (
          <label key={s} className="block">
            <input type="checkbox" checked={sources.includes(s)} onChange={() => toggle(s)} /> {t(`release.source.${s}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      {problem('sources')}
      <label>
        {t('release.field.note')}
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
      </label>
      <button type="submit" className="primary" disabled={busy || (job !== null && !['succeeded', 'failed', 'cancelled'].includes(job.state))}>
        {t('release.new.submit')}
      </button>
      <ErrorBox error={error} />
      <JobStatus job={job} error={jobError} label={t('release.new.progress')} />
      {job?.state === 'succeeded' && releaseId !== null && (
        <p>
          <Link to={`/releases/${releaseId}`} className="button">{t('release.open')}</Link>
        </p>
      )}
    </form>
  );
}
