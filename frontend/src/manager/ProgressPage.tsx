import { projects } from '../api/endpoints';
import { TASK_STATUSES } from '../api/types';
import { ErrorBox } from '../app/errors';
import { useAsync } from '../app/useAsync';
import { useI18n, type MessageKey } from '../i18n';

export function ProgressPage({ projectId }: { projectId: number }) {
  const { t } = useI18n();
  const project = useAsync(() => projects.get(projectId), [projectId]);
  const progress = useAsync(() => projects.progress(projectId), [projectId]);
  const p = progress.data;
  const total = p?.total ?? 0;
  const statuses = p ? [...new Set([...TASK_STATUSES, ...Object.keys(p.tasks_by_status)])] : [];
  const finished = p ? (p.tasks_by_status.completed ?? 0) + (p.tasks_by_status.accepted ?? 0) : 0;
  const pct = total > 0 ? Math.round((100 * finished) / total) : 0;
  return (
    <section>
      <h1>{t('progress.title', { name: project.data?.name ?? '' })}</h1>
      <ErrorBox error={progress.error} />
      {p && (
        <>
          <p>{t('progress.total', { n: total })}</p>
          <progress aria-label={t('progress.done', { pct })} max={Math.max(total, 1)} value={finished} /> <span>{t('progress.done', { pct })}</span>
          <h2>{t('progress.byStatus')}</h2>
          <table className="table">
            <tbody>
              {statuses.map((s) => {
                const n = p.tasks_by_status[s] ?? 0;
                return (
                  <tr key={s}>
                    <th scope="row">{TASK_STATUSES.includes(s as never) ? t(`status.${s}` as MessageKey) : s}</th>
                    <td>{n}</td>
                    <td className="bar-cell">
                      <span className="bar" style={{ width: `${total > 0 ? (100 * n) / total : 0}%` }} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>{t('progress.annotators')}</h2>
          <table className="table">
            <thead>
              <tr>
                <th>{t('progress.annotator')}</th>
                <th>{t('progress.submittedCount')}</th>
                <th>{t('progress.drafts')}</th>
                <th>{t('progress.skipped')}</th>
              </tr>
            </thead>
            <tbody>
              {p.annotators.map((a) => (
                <tr key={a.user_id}>
                  <td>{a.username}</td>
                  <td>{a.submitted}</td>
                  <td>{a.drafts}</td>
                  <td>{a.skipped}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
