import { useEffect, useRef, useState, type FormEvent } from 'react';
import { jobs, projects } from '../api/endpoints';
import type { Job } from '../api/types';
import { ErrorBox } from '../app/errors';
import { Link } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';

const POLL_MS = 700;

export function ImportPage({ projectId }: { projectId: number }) {
  const { t } = useI18n();
  const project = useAsync(() => projects.get(projectId), [projectId]);
  const fileRef = useRef<HTMLInputElement>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    if (!job || job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') return;
    const timer = window.setTimeout(() => {
      jobs.get(job.id).then(setJob, (e: unknown) => setError(e));
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [job]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      setJob(await projects.importFile(projectId, file));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const total = job?.progress_total ?? 0;
  const done = job?.progress_done ?? 0;
  const finished = job?.state === 'succeeded';
  const stateText = job
    ? job.state === 'queued'
      ? t('import.state.queued')
      : job.state === 'running'
        ? t('import.state.running', { done, total })
        : job.state === 'succeeded'
          ? t('import.state.succeeded', { done, total })
          : job.state === 'failed'
            ? t('import.state.failed', { error: job.error })
            : t('import.state.cancelled')
    : '';

  return (
    <section>
      <h1>{t('import.title', { name: project.data?.name ?? '' })}</h1>
      <ErrorBox error={project.error} />
      <form onSubmit={submit}>
        <label>
          {t('import.file')}
          <input ref={fileRef} type="file" name="file" accept=".json,.jsonl,.csv,.png,.jpg,.jpeg,.webp,.zip" />
        </label>
        <p className="muted">{t('import.help')}</p>
        {missing && <p className="error" role="alert">{t('import.chooseFile')}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {t('import.start')}
        </button>
      </form>
      <ErrorBox error={error} />
      {job && (
        <div className="job">
          <progress aria-label={t('import.progress')} max={total > 0 ? total : 1} value={finished ? (total > 0 ? total : 1) : done} />
          <p role="status" className={job.state === 'failed' ? 'error' : job.state === 'succeeded' ? 'ok' : undefined}>
            {stateText}
          </p>
          {finished && (
            <p>
              <Link to={`/projects/${projectId}/tasks`} className="button">{t('projects.tasks')}</Link>{' '}
              <Link to={`/projects/${projectId}/progress`} className="button">{t('projects.progress')}</Link>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
