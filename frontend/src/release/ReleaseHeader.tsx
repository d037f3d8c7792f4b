// The title of every page about one release, with links between its pages.
import { Link } from '../app/router';
import { useI18n, type MessageKey } from '../i18n';
import type { Project } from '../api/types';
import type { Release } from './api';

export type ReleaseTab = 'overview' | 'quality' | 'value';

const TABS: { tab: ReleaseTab; path: string; key: MessageKey }[] = [
  { tab: 'overview', path: '', key: 'release.tab.overview' },
  { tab: 'quality', path: '/quality', key: 'release.tab.quality' },
  { tab: 'value', path: '/value', key: 'release.tab.value' },
];

export function ReleaseHeader({ release, project, tab }: { release: Release; project: Project | undefined; tab: ReleaseTab }) {
  const { t } = useI18n();
  return (
    <>
      <p className="muted">
        <Link to={`/projects/${release.project}/releases`}>{t('release.backToList', { name: project?.name ?? '' })}</Link>
      </p>
      <h1>
        {t('release.title', { version: release.version, name: project?.name ?? '' })}
        {release.name ? <span className="badge">{release.name}</span> : null}
      </h1>
      <nav aria-label={t('release.tab.nav')} className="actions">
        {TABS.map((x) =>
          x.tab === tab ? (
            <span key={x.tab} className="button primary" aria-current="page">{t(x.key)}</span>
          ) : (
            <Link key={x.tab} to={`/releases/${release.id}${x.path}`} className="button">{t(x.key)}</Link>
          ),
        )}
      </nav>
    </>
  );
}
