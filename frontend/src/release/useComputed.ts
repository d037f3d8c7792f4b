// A release's quality report or value statement: the first request starts the job that computes
// both (202 with the job); follow it, then ask again for the stored JSON.
import { useEffect } from 'react';
import type { Job } from '../api/types';
import { useAsync } from '../app/useAsync';
import { isComputing, type Computing } from './api';
import { useJob } from './JobStatus';

export function useComputed<T>(load: (() => Promise<T | Computing>) | null, deps: unknown[]): {
  data: T | undefined;
  job: Job | null;
  jobError: unknown;
  error: unknown;
  loading: boolean;
} {
  const res = useAsync(() => (load ? load() : Promise.resolve(undefined)), deps);
  const { reload } = res;
  const { job, error: jobError, follow } = useJob((j) => {
    if (j.state === 'succeeded') reload();
  });
  const pending = res.data !== undefined && isComputing(res.data) ? res.data.job : null;
  const pendingId = pending?.id;
  useEffect(() => {
    if (pending) follow(pending);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pendingId]);
  const data = res.data !== undefined && !isComputing(res.data) ? (res.data as T) : undefined;
  return { data, job: pending ? job : null, jobError, error: res.error, loading: res.loading };
}
