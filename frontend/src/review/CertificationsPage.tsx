// The caller's own certifications: level by domain, how, when, by whom, expiry;
// active first, then the history (superseded, revoked, expired).
import { rows } from '../api/endpoints';
import { ErrorBox } from '../app/errors';
import { useAuth } from '../app/auth';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';
import { certifications, type Certification } from './api';
import { certState } from './certs';
import { formatTime, levelText } from './labels';
import './review.css';

export function CertificationTable({ items, showUser = false, label }: { items: Certification[]; showUser?: boolean; label: string }) {
  const { t, lang } = useI18n();
  const { me } = useAuth();
  const orgName = new Map((me?.memberships ?? []).map((m) => [m.organization.id, m.organization.name]));
  return (
    <table className="table" aria-label={label}>
      <thead>
        <tr>
          {showUser && <th>{t('orgCerts.member')}</th>}
          <th>{t('certs.organization')}</th>
          <th>{t('certs.domain')}</th>
          <th>{t('certs.level')}</th>
          <th>{t('certs.how')}</th>
          <th>{t('certs.when')}</th>
          <th>{t('certs.by')}</th>
          <th>{t('certs.reason')}</th>
          <th>{t('certs.expires')}</th>
          <th>{t('certs.state')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => {
          const state = certState(c, new Date());
          return (
            <tr key={c.id} data-domain={c.domain}>
              {showUser && <td>{c.user.username}</td>}
              <td>{orgName.get(c.organization) ?? `#${c.organization}`}</td>
              <td>{c.domain}</td>
              <td className="level-cell">{levelText(t, c.level)}</td>
              <td>{t(c.granted_via === 'exam' ? 'certs.via.exam' : 'certs.via.manual')}</td>
              <td>{formatTime(c.granted_at, lang)}</td>
              <td>{c.granted_by?.username ?? '—'}</td>
              <td className="text-block">{c.reason || '—'}</td>
              <td>{c.valid_until ? formatTime(c.valid_until, lang) : t('certs.noExpiry')}</td>
              <td>{state === 'revoked' ? t('certs.revoked', { reason: c.revoke_reason }) : t(state === 'active' ? 'certs.active' : 'certs.expired')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function CertificationsPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  const list = useAsync(() => certifications.list({ user: me?.id }), [me?.id]);
  const all = list.data ? rows(list.data) : [];
  const current = all.filter((c) => certState(c, new Date()) === 'active');
  const past = all.filter((c) => certState(c, new Date()) !== 'active');
  return (
    <>
      <h1>{t('certs.title')}</h1>
      <p className="muted">{t('certs.intro')}</p>
      <ErrorBox error={list.error} />
      {list.loading && <p>{t('common.loading')}</p>}
      {!list.loading && !list.error && current.length === 0 && <p>{t('certs.empty')}</p>}
      {current.length > 0 && <CertificationTable items={current} label={t('certs.title')} />}
      {past.length > 0 && (
        <>
          <h2>{t('certs.history')}</h2>
          <CertificationTable items={past} label={t('certs.history')} />
        </>
      )}
    </>
  );
}
