// Pages of the review area. App.tsx asks this module first; null means "not one of mine".
import type { ReactNode } from 'react';
import { Layout } from '../app/Layout';
import { matchPath } from '../app/router';
import { CertificationsPage } from './CertificationsPage';
import { ExamAttemptPage } from './ExamAttemptPage';
import { ExamsPage } from './ExamsPage';
import { InboxPage } from './InboxPage';
import { OrgCertificationsPage } from './OrgCertificationsPage';
import { ReviewItemPage } from './ReviewItemPage';
import { ReviewQueuePage } from './ReviewQueuePage';

interface Route {
  pattern: string;
  wide: boolean;
  /** keyed by the id, so moving from one item to the next starts the page afresh */
  page: (id: number) => ReactNode;
}

function queuePage(): ReactNode {
  const project = new URLSearchParams(window.location.search).get('project');
  return <ReviewQueuePage key={project ?? ''} projectId={project ? Number(project) : undefined} />;
}

const ROUTES: Route[] = [
  { pattern: '/review', wide: false, page: queuePage },
  { pattern: '/review/items/:id', wide: true, page: (id) => <ReviewItemPage key={id} itemId={id} /> },
  { pattern: '/certifications', wide: true, page: () => <CertificationsPage /> },
  { pattern: '/organizations/:id/certifications', wide: true, page: (id) => <OrgCertificationsPage key={id} organizationId={id} /> },
  { pattern: '/exams', wide: false, page: () => <ExamsPage /> },
  { pattern: '/exams/attempts/:id', wide: true, page: (id) => <ExamAttemptPage key={id} attemptId={id} /> },
  { pattern: '/inbox', wide: false, page: () => <InboxPage /> },
];

export function reviewRoute(path: string): ReactNode | null {
  for (const r of ROUTES) {
    const m = matchPath(r.pattern, path);
    if (m) return <Layout wide={r.wide}>{r.page(Number(m.id))}</Layout>;
  }
  return null;
}
