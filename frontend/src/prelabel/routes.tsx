// Pages of the pre-labeling area. App.tsx asks this module first; null means "not one of mine".
import type { ReactNode } from 'react';
import { Layout } from '../app/Layout';
import { matchPath } from '../app/router';
import { PrelabelPage } from './PrelabelPage';

export function prelabelRoute(path: string): ReactNode | null {
  const m = matchPath('/projects/:id/prelabel', path);
  const id = m ? Number(m.id) : NaN;
  return m && Number.isInteger(id) && id > 0 ? <Layout key={path}><PrelabelPage projectId={id} /></Layout> : null;
}
