import { projects } from '../api/endpoints';
import { useI18n } from '../i18n';
import { canManage, managedOrganizations, roleIn, useAuth } from './auth';
import { ErrorBox } from './errors';
import { Link } from './router';
import { useAsync } from './useAsync';

export function ProjectList() {
  const { t } = useI18n();
  const { me } = useAuth();
  const { data, error, loading } = useAsync(() => projects.list(), []);
  const orgs = managedOrganizations(me);
  const orgName = (id: number) => me?.memberships.find((m) => m.organization.id === id)?.organization.name ?? `#${id}`;
  return (
    <section>
      <div className="page-head">
        <h1>{t('projects.title')}</h1>
        {orgs.length > 0 && (
          <Link to="/projects/new" className="button primary">
            {t('projects.new')}
          </Link>
        )}
      </div>
      {orgs.length > 0 && (
        <p className="muted">
          {orgs.map((o) => (
            <Link key={o.id} to={`/organizations/${o.id}/members`} className="button">
              {t('projects.members')} · {o.name}
            </Link>
          ))}
        </p>
      )}
      <ErrorBox error={error} />
      {loading && <p>{t('common.loading')}</p>}
      {data && data.results.length === 0 && <p>{t('projects.empty')}</p>}
      <ul className="cards">
        {data?.results.map((p) => {
          const role = roleIn(me, p.organization);
          return (
            <li key={p.id} className="card">
              <h2>{p.name}</h2>
              <p className="muted">
                {orgName(p.organization)}
                {p.domain ? ` · ${p.domain}` : ''}
                {p.task_count !== null && p.task_count !== undefined ? ` · ${t('projects.taskCount', { n: p.task_count })}` : ''}
              </p>
              {p.description && <p>{p.description}</p>}
              {role && <p className="muted">{t('projects.role', { role: t(`role.${role}`) })}</p>}
              <div className="actions">
                <Link to={`/projects/${p.id}/annotate`} className="button primary" aria-label={`${t('projects.annotate')}: ${p.name}`}>
                  {t('projects.annotate')}
                </Link>
                {canManage(me, p.organization) && (
                  <>
                    <Link to={`/projects/${p.id}/edit`} className="button" aria-label={`${t('projects.edit')}: ${p.name}`}>{t('projects.edit')}</Link>
                    <Link to={`/projects/${p.id}/import`} className="button" aria-label={`${t('projects.import')}: ${p.name}`}>{t('projects.import')}</Link>
                    <Link to={`/projects/${p.id}/tasks`} className="button" aria-label={`${t('projects.tasks')}: ${p.name}`}>{t('projects.tasks')}</Link>
                    <Link to={`/projects/${p.id}/progress`} className="button" aria-label={`${t('projects.progress')}: ${p.name}`}>{t('projects.progress')}</Link>
                    <Link to={`/projects/${p.id}/releases`} className="button" aria-label={t('release.projects.releasesOf', { name: p.name })}>{t('release.projects.releases')}</Link>
                    <Link to={`/projects/${p.id}/quality`} className="button" aria-label={t('release.projects.qualityOf', { name: p.name })}>{t('release.projects.quality')}</Link>
                    <Link to={`/projects/${p.id}/prelabel`} className="button" aria-label={t('prelabel.projects.linkOf', { name: p.name })}>{t('nav.prelabel')}</Link>
                  </>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
