// /releases/:id — the manifest, the downloads and the diff of one release.
import { canManage, useAuth } from '../app/auth';
import { ErrorBox } from '../app/errors';
import { useI18n, type MessageKey } from '../i18n';
import { DiffView } from './DiffView';
import { Downloads } from './Downloads';
import { ManifestView } from './ManifestView';
import { ReleaseHeader } from './ReleaseHeader';
import { useRelease } from './useRelease';

export function ReleasePage({ releaseId }: { releaseId: number }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const { release, project, error } = useRelease(releaseId);
  if (!release) return error ? <ErrorBox error={error} /> : <p>{t('common.loading')}</p>;
  const manager = project ? canManage(me, project.organization) : false;
  return (
    <section>
      <ReleaseHeader release={release} project={project} tab="overview" />
      <ErrorBox error={error} />
      <p role="status" className={release.state === 'failed' ? 'error' : release.state === 'ready' ? 'ok' : 'muted'}>
        {t(`release.stateLine.${release.state}` as MessageKey)}
      </p>
      {release.state === 'failed' && release.error && <p className="error">{t('release.failedReason', { error: release.error })}</p>}
      <ManifestView release={release} />
      <Downloads release={release} manager={manager} />
      {release.state === 'ready' && <DiffView release={release} />}
    </section>
  );
}
