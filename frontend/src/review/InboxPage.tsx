// The caller's messages: reviewers' comments on rejected or fixed tasks, with a
// link to the project's workspace and "mark as read".
import { useState } from 'react';
import { rows } from '../api/endpoints';
import { ErrorBox } from '../app/errors';
import { Link } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';
import { inbox, type InboxMessage } from './api';
import { inboxChanged } from './inboxCount';
import { formatTime } from './labels';
import './review.css';

function kindText(t: ReturnType<typeof useI18n>['t'], kind: string): string {
  return kind === 'rejected' || kind === 'fixed' ? t(`inbox.kind.${kind}`) : t('inbox.kind.other');
}

export function InboxPage() {
  const { t, lang } = useI18n();
  const list = useAsync(() => inbox.list(), []);
  const [read, setRead] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const messages: InboxMessage[] = list.data ? rows(list.data) : [];

  const markRead = async (m: InboxMessage) => {
    try {
      const updated = await inbox.read(m.id);
      setRead((r) => ({ ...r, [m.id]: updated?.read_at ?? new Date().toISOString() }));
      inboxChanged();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <h1>{t('inbox.title')}</h1>
      <ErrorBox error={list.error ?? error} />
      {list.loading && <p>{t('common.loading')}</p>}
      {!list.loading && !list.error && messages.length === 0 && <p>{t('inbox.empty')}</p>}
      <ul className="inbox-list">
        {messages.map((m) => {
          const readAt = m.read_at ?? read[m.id] ?? null;
          return (
            <li key={m.id} className={readAt ? undefined : 'unread'} aria-label={kindText(t, m.kind)}>
              <p>
                <strong>{kindText(t, m.kind)}</strong> · {m.from_user ? t('inbox.from', { name: m.from_user.username }) : t('inbox.fromSystem')} · <span className="muted">{formatTime(m.created_at, lang)}</span>
                {!readAt && <span className="badge">{t('inbox.unread')}</span>}
              </p>
              {m.project && <p className="muted">{t('inbox.about', { project: m.project.name, task: m.task ?? '—' })}</p>}
              <div className="text-block">{m.text}</div>
              <p className="actions">
                {m.project && <Link to={`/projects/${m.project.id}/annotate`}>{t('inbox.open', { project: m.project.name })}</Link>}
                {readAt ? (
                  <span className="muted">{t('inbox.read', { time: formatTime(readAt, lang) })}</span>
                ) : (
                  <button type="button" onClick={() => void markRead(m)}>
                    {t('inbox.markRead')}
                  </button>
                )}
              </p>
            </li>
          );
        })}
      </ul>
    </>
  );
}
