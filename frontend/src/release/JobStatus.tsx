// Following a job row (GET /api/v1/jobs/{id}/) until it finishes, and showing it as a progress bar.
import { useEffect, useRef, useState } from 'react';
import { jobs } from '../api/endpoints';
import type { Job } from '../api/types';
import { ErrorBox } from '../app/errors';
import { useI18n } from '../i18n';
import { jobProgress } from './format';

const POLL_MS = 700;

/** The job being followed; `follow(job)` starts, `onFinish` runs once when it ends. */
export function useJob(onFinish?: (job: Job) => void): { job: Job | null; error: unknown; follow: (job: Job | null) => void } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const finished = useRef(onFinish);
  finished.current = onFinish;
  useEffect(() => {
    if (!job) return;
    if (jobProgress(job).finished) {
      finished.current?.(job);
      return;
    }
    const timer = window.setTimeout(() => {
      jobs.get(job.id).then(setJob, (e: unknown) => setError(e));
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [job]);
  const follow = (j: Job | null) => {
    setError(null);
    setJob(j);
  };
  return { job, error, follow };
}

export function JobStatus({ job, error, label }: { job: Job | null; error: unknown; label: string }) {
  const { t } = useI18n();
  if (!job) return <ErrorBox error={error} />;
  const p = jobProgress(job);
  const text =
    job.state === 'queued'
      ? t('release.job.queued')
      : job.state === 'running'
        ? p.total > 0
          ? t('release.job.running', { done: p.done, total: p.total })
          : t('release.job.started')
        : job.state === 'succeeded'
          ? t('release.job.succeeded')
          : job.state === 'failed'
            ? t('release.job.failed', { error: job.error || '?' })
            : t('release.job.cancelled');
  return (
    <div className="job">
      {p.value === null ? <progress aria-label={label} max={p.max} /> : <progress aria-label={label} max={p.max} value={p.value} />}
      <p role="status" className={job.state === 'failed' ? 'error' : job.state === 'succeeded' ? 'ok' : undefined}>
        {text}
      </p>
      <ErrorBox error={error} />
    </div>
  );
}
