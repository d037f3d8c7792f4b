import { projects } from '../api/endpoints';
import { TASK_STATUSES } from '../api/types';
import { ErrorBox } from '../app/errors';
import { navigate, useLocation } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useI18n, type MessageKey } from '../i18n';

const PAGE_SIZE_GUESS = 50;

function preview(data: Record<string, unknown>): string {
  const s = Object.entries(data)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

export function TaskListPage({ projectId }: { projectId: number }) {
  const { t } = useI18n();
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  const project = useAsync(() => projects.get(projectId), [projectId]);
  const list = useAsync(() => projects.tasks(projectId, status, page), [projectId, status, page]);
  const go = (s: string, p: number) => navigate(`/projects/${projectId}/tasks?${new URLSearchParams({ ...(s ? { status: s } : {}), page: String(p) }).toString()}`);
  const count = list.data?.count ?? 0;
  const perPage = list.data && list.data.results.length > 0 && list.data.next ? list.data.results.length : PAGE_SIZE_GUESS;
  const pages = Math.max(1, Math.ceil(count / perPage));
  const statusLabel = (s: string) => (TASK_STATUSES.includes(s as never) ? t(`status.${s}` as MessageKey) : s);

  return (
    <section>
      <h1>{t('tasks.title', { name: project.data?.name ?? '' })}</h1>
      <label>
        {t('tasks.filter')}
        <select value={status} onChange={(e) => go(e.target.value, 1)}>
          <option value="">{t('status.all')}</option>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={list.error} />
      <p className="muted" role="status">
        {list.loading ? t('common.loading') : t('tasks.count', { n: count })}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>{t('tasks.id')}</th>
            <th>{t('tasks.status')}</th>
            <th>{t('tasks.priority')}</th>
            <th>{t('tasks.submitted')}</th>
            <th>{t('tasks.data')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.results.length === 0 && (
            <tr>
              <td colSpan={5}>{t('tasks.empty')}</td>
            </tr>
          )}
          {list.data?.results.map((task) => (
            <tr key={task.id}>
              <td>{task.id}</td>
              <td>{statusLabel(task.status)}</td>
              <td>{task.priority}</td>
              <td>{task.submitted_count}</td>
              <td className="data-cell">{preview(task.data)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={!list.data?.previous} onClick={() => go(status, page - 1)}>
          {t('common.previous')}
        </button>
        <span>{t('tasks.page', { page, pages })}</span>
        <button type="button" disabled={!list.data?.next} onClick={() => go(status, page + 1)}>
          {t('common.next')}
        </button>
      </div>
    </section>
  );
}
