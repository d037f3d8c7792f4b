// The frame of the quality report and value statement pages: the release header, then the JSON
// the report job computed (following that job on the first visit).
import type { ReactNode } from 'react';
import { ErrorBox } from '../app/errors';
import { useI18n } from '../i18n';
import type { Computing } from './api';
import { JobStatus } from './JobStatus';
import { ReleaseHeader, type ReleaseTab } from './ReleaseHeader';
import { useComputed } from './useComputed';
import { useRelease } from './useRelease';

export function ComputedPage<T>({ releaseId, tab, load, children }: {
  releaseId: number;
  tab: ReleaseTab;
  load: (releaseId: number) => Promise<T | Computing>;
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  const { release, project, error } = useRelease(releaseId);
  const ready = release?.state === 'ready';
  const computed = useComputed(ready ? () => load(releaseId) : null, [releaseId, ready]);
  if (!release) return error ? <ErrorBox error={error} /> : <p>{t('common.loading')}</p>;
  return (
    <section>
      <ReleaseHeader release={release} project={project} tab={tab} />
      <ErrorBox error={error ?? computed.error} />
      {!ready && <p className="muted">{t('release.downloads.notReady')}</p>}
      {ready && !computed.data && (computed.loading || computed.job) && <p className="muted">{t('release.quality.computing')}</p>}
      <JobStatus job={computed.job} error={computed.jobError} label={t('release.quality.progress')} />
      {computed.data !== undefined && children(computed.data)}
    </section>
  );
}
