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

export function reviewRoute(path: string): ReactNode | null {
  let m: Record<string, string> | null;
  if (matchPath('/review', path)) {
    const project = new URLSearchParams(window.location.search).get('project');
    return (
      <Layout>
        <ReviewQueuePage key={project ?? ''} projectId={project ? Number(project) : undefined} />
      </Layout>
    );
  }
  if ((m = matchPath('/review/items/:id', path)))
    return (
      <Layout wide>
        <ReviewItemPage key={m.id} itemId={Number(m.id)} />
      </Layout>
    );
  if (matchPath('/certifications', path))
    return (
      <Layout wide>
        <CertificationsPage />
      </Layout>
    );
  if ((m = matchPath('/organizations/:id/certifications', path)))
    return (
      <Layout wide>
        <OrgCertificationsPage key={m.id} organizationId={Number(m.id)} />
      </Layout>
    );
  if (matchPath('/exams', path))
    return (
      <Layout>
        <ExamsPage />
      </Layout>
    );
  if ((m = matchPath('/exams/attempts/:id', path)))
    return (
      <Layout wide>
        <ExamAttemptPage key={m.id} attemptId={Number(m.id)} />
      </Layout>
    );
  if (matchPath('/inbox', path))
    return (
      <Layout>
        <InboxPage />
      </Layout>
    );
  return null;
}
