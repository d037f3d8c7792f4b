// Pages of the release area. App.tsx asks this module first; null means "not one of mine".
import type { ReactNode } from 'react';
import { Layout } from '../app/Layout';
import { matchPath } from '../app/router';
import { QualityDashboard } from './QualityDashboard';
import { QualityReportPage } from './QualityReportPage';
import { ReleasePage } from './ReleasePage';
import { ReleasesPage } from './ReleasesPage';
import { ValuePage } from './ValuePage';

const PAGES: [string, (id: number) => ReactNode][] = [
  ['/projects/:id/releases', (id) => <ReleasesPage projectId={id} />],
  ['/projects/:id/quality', (id) => <QualityDashboard projectId={id} />],
  ['/releases/:id', (id) => <ReleasePage releaseId={id} />],
  ['/releases/:id/quality', (id) => <QualityReportPage releaseId={id} />],
  ['/releases/:id/value', (id) => <ValuePage releaseId={id} />],
];

export function releaseRoute(path: string): ReactNode | null {
  for (const [pattern, page] of PAGES) {
    const m = matchPath(pattern, path);
    const id = m ? Number(m.id) : NaN;
    // key: moving between two releases remounts the page instead of showing stale state.
    if (m && Number.isInteger(id) && id > 0) return <Layout key={path}>{page(id)}</Layout>;
  }
  return null;
}
