// A followed job as a progress bar with a Cancel button while it runs (the release area's job hook
// and status line, shared so every job in the app reads the same).
import { useState } from 'react';
import type { Job } from '../api/types';
import { ErrorBox } from '../app/errors';
import { useI18n } from '../i18n';
import { JobStatus } from '../release/JobStatus';
import { jobProgress } from '../release/format';
import { prelabel } from './api';

export function JobPanel({ job, error, label, onChange }: { job: Job | null; error: unknown; label: string; onChange: (job: Job) => void }) {
  const { t } = useI18n();
  const [cancelError, setCancelError] = useState<unknown>(null);
  if (!job) return <ErrorBox error={error} />;
  const cancel = async () => {
    setCancelError(null);
    try {
      onChange(await prelabel.cancel(job.id));
    } catch (e) {
      setCancelError(e);
    }
  };
  return (
    <div>
      <JobStatus job={job} error={error} label={label} />
      {!jobProgress(job).finished && (
        <button type="button" onClick={() => void cancel()}>
          {t('prelabel.job.cancel')}
        </button>
      )}
      <ErrorBox error={cancelError} />
    </div>
  );
}
