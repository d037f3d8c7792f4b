import { useI18n } from '../i18n';
import { MembersPage } from '../manager/MembersPage';
import { ImportPage } from '../manager/ImportPage';
import { ProgressPage } from '../manager/ProgressPage';
import { ProjectFormPage } from '../manager/ProjectFormPage';
import { TaskListPage } from '../manager/TaskListPage';
import { prelabelRoute } from '../prelabel/routes';
import { releaseRoute } from '../release/routes';
import { reviewRoute } from '../review/routes';
import { WorkspacePage } from '../workspace/WorkspacePage';
import { useAuth } from './auth';
import { Layout } from './Layout';
import { Login } from './Login';
import { ProjectList } from './ProjectList';
import { matchPath, useLocation } from './router';

export function App() {
  const { t } = useI18n();
  const { me, loading } = useAuth();
  const { path } = useLocation();
  if (loading) return <p className="page">{t('common.loading')}</p>;
  if (!me) return <Login />;

  const own = reviewRoute(path) ?? releaseRoute(path) ?? prelabelRoute(path);
  if (own) return own;
  const id = (params: Record<string, string>) => Number(params.id);
  let m: Record<string, string> | null;
  if (path === '/' || path === '/projects' || path === '/projects/') return <Layout><ProjectList /></Layout>;
  if (matchPath('/projects/new', path)) return <Layout wide><ProjectFormPage projectId={null} /></Layout>;
  if ((m = matchPath('/projects/:id/annotate', path))) return <WorkspacePage projectId={id(m)} />;
  if ((m = matchPath('/projects/:id/edit', path))) return <Layout wide><ProjectFormPage projectId={id(m)} /></Layout>;
  if ((m = matchPath('/projects/:id/import', path))) return <Layout><ImportPage projectId={id(m)} /></Layout>;
  if ((m = matchPath('/projects/:id/tasks', path))) return <Layout><TaskListPage projectId={id(m)} /></Layout>;
  if ((m = matchPath('/projects/:id/progress', path))) return <Layout><ProgressPage projectId={id(m)} /></Layout>;
  if ((m = matchPath('/organizations/:id/members', path))) return <Layout><MembersPage organizationId={id(m)} /></Layout>;
  return <Layout><p>{t('common.notFound')}</p></Layout>;
}
