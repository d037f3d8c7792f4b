// The reviewer's queue: what the caller may take at their level, and
// "Start reviewing", which leases the next item and opens it.
import { useState } from 'react';
import { rows } from '../api/endpoints';
import { ErrorBox } from '../app/errors';
import { Link, navigate } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';
import { review } from './api';
import { formatTime, levelText, reasonText } from './labels';
import './review.css';

export function ReviewQueuePage({ projectId }: { projectId?: number }) {
  const { t, lang } = useI18n();
  const queue = useAsync(() => review.queue(projectId), [projectId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const items = queue.data ? rows(queue.data) : [];
  const projects = [...new Map(items.map((i) => [i.project.id, i.project.name])).entries()];

  const start = async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      // the filtered project, else the oldest item the caller may take in any project
      const next = await review.next(projectId);
      if (next) navigate(`/review/items/${next.item.id}`);
      else {
        setNotice(t('review.queue.nothingNext'));
        queue.reload();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="page-head">
        <h1>{t('review.queue.title')}</h1>
        <button type="button" className="primary" onClick={() => void start()} disabled={busy || queue.loading}>
          {t('review.queue.start')}
        </button>
      </div>
      <p className="muted">{t('review.queue.intro')}</p>
      {(projects.length > 1 || projectId !== undefined) && (
        <label className="row">
          {t('review.queue.filter')}
          <select value={projectId ?? ''} onChange={(e) => navigate(e.target.value ? `/review?project=${e.target.value}` : '/review')}>
            <option value="">{t('review.queue.allProjects')}</option>
            {projects.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      <ErrorBox error={queue.error ?? error} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {queue.loading && <p>{t('common.loading')}</p>}
      {!queue.loading && !queue.error && items.length === 0 && <p>{t('review.queue.empty')}</p>}
      {items.length > 0 && (
        <table className="table" aria-label={t('review.queue.title')}>
          <thead>
            <tr>
              <th>{t('review.queue.task')}</th>
              <th>{t('review.queue.project')}</th>
              <th>{t('review.queue.stage')}</th>
              <th>{t('review.queue.minLevel')}</th>
              <th>{t('review.queue.reasons')}</th>
              <th>{t('review.queue.created')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id}>
                <td>
                  {i.leased_by_me ? <Link to={`/review/items/${i.id}`}>{t('review.queue.open', { id: i.task })}</Link> : `#${i.task}`}
                  {i.leased_by_me && <span className="badge">{t('review.queue.mine')}</span>}
                </td>
                <td>
                  {i.project.name} <span className="muted">· {i.project.domain}</span>
                </td>
                <td>{t('review.queue.stageOf', { stage: i.stage + 1, count: i.stage_count })}</td>
                <td>{levelText(t, i.min_level)}</td>
                <td>{i.reasons.map((r) => reasonText(t, r)).join('; ')}</td>
                <td>{formatTime(i.created_at, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
