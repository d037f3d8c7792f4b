// The manager's view of a base: members × domains table of active levels,
// granting a level (with reason and optional expiry) and revoking one (with reason).
import { useState, type FormEvent } from 'react';
import { members as membersApi, projects, rows } from '../api/endpoints';
import { useAuth } from '../app/auth';
import { ErrorBox } from '../app/errors';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';
import { certifications, LEVELS, type Certification } from './api';
import { CertificationTable } from './CertificationsPage';
import { certState, levelMatrix } from './certs';
import { formatTime, levelText } from './labels';
import './review.css';

async function loadBase(org: number) {
  const [people, projectPage, certs] = await Promise.all([membersApi.list(org), projects.list(), certifications.list({ organization: org })]);
  return {
    members: rows(people),
    domains: rows(projectPage)
      .filter((p) => p.organization === org)
      .map((p) => p.domain),
    certs: rows(certs),
  };
}

function RevokeRow({ cert, onDone }: { cert: Certification; onDone: (msg: string) => void }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const names = { user: cert.user.username, domain: cert.domain, level: levelText(t, cert.level) };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setProblem(t('orgCerts.needReason'));
      return;
    }
    try {
      await certifications.revoke(cert.id, reason.trim());
      onDone(t('orgCerts.revoked', names));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li>
      {cert.user.username} · {cert.domain} · {levelText(t, cert.level)} <span className="muted">({cert.valid_until ? formatTime(cert.valid_until, lang) : t('certs.noExpiry')})</span>{' '}
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          {t('orgCerts.revoke', names)}
        </button>
      ) : (
        <form className="row" onSubmit={(e) => void submit(e)}>
          <label>
            {t('orgCerts.revokeReason', names)}
            <input value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          </label>
          <button type="submit">{t('orgCerts.revokeConfirm')}</button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
      {problem && (
        <div role="alert" className="error">
          {problem}
        </div>
      )}
      <ErrorBox error={error} />
    </li>
  );
}

export function OrgCertificationsPage({ organizationId }: { organizationId: number }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const base = useAsync(() => loadBase(organizationId), [organizationId]);
  const [form, setForm] = useState({ user: '', domain: '', level: '3', reason: '', validUntil: '' });
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const orgName = me?.memberships.find((m) => m.organization.id === organizationId)?.organization.name ?? `#${organizationId}`;
  const data = base.data;
  const matrix = data ? levelMatrix(data.certs, data.domains, new Date()) : null;
  const active = data ? data.certs.filter((c) => certState(c, new Date()) === 'active') : [];

  const grant = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const c = await certifications.grant({
        organization: organizationId,
        user: Number(form.user),
        domain: form.domain.trim(),
        level: Number(form.level),
        reason: form.reason.trim(),
        valid_until: form.validUntil ? new Date(`${form.validUntil}T23:59:59`).toISOString() : null,
      });
      setNotice(t('orgCerts.granted', { user: c.user.username, level: levelText(t, c.level), domain: c.domain }));
      setForm((f) => ({ ...f, reason: '', validUntil: '' }));
      base.reload();
    } catch (err) {
      setError(err);
    }
  };

  const changed = (msg: string) => {
    setNotice(msg);
    base.reload();
  };

  return (
    <>
      <h1>{t('orgCerts.title', { name: orgName })}</h1>
      <ErrorBox error={base.error ?? error} />
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {base.loading && !data && <p>{t('common.loading')}</p>}
      {data && matrix && (
        <>
          <h2>{t('orgCerts.matrix')}</h2>
          {matrix.domains.length === 0 ? (
            <p className="muted">{t('orgCerts.noDomains')}</p>
          ) : (
            <table className="table" aria-label={t('orgCerts.matrix')}>
              <thead>
                <tr>
                  <th>{t('orgCerts.member')}</th>
                  {matrix.domains.map((d) => (
                    <th key={d}>{d}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.members.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">{m.user.username}</th>
                    {matrix.domains.map((d) => {
                      const c = matrix.cells.get(m.user.id)?.get(d);
                      return (
                        <td key={d} className="level-cell">
                          {c ? levelText(t, c.level) : '—'}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h2>{t('orgCerts.grant')}</h2>
          <form className="row" onSubmit={(e) => void grant(e)} aria-label={t('orgCerts.grant')}>
            <label>
              {t('orgCerts.user')}
              <select required value={form.user} onChange={(e) => setForm({ ...form, user: e.target.value })}>
                <option value="">{t('orgCerts.choose')}</option>
                {data.members.map((m) => (
                  <option key={m.id} value={m.user.id}>
                    {m.user.username}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('orgCerts.domain')}
              <input required list="cert-domains" value={form.domain} onChange={(e) => setForm({ ...form, domain: e.target.value })} />
              <datalist id="cert-domains">
                {matrix.domains.map((d) => (
                  <option key={d} value={d} />
                ))}
              </datalist>
            </label>
            <label>
              {t('orgCerts.level')}
              <select value={form.level} onChange={(e) => setForm({ ...form, level: e.target.value })}>
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {levelText(t, l)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('orgCerts.reason')}
              <input required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
            </label>
            <label>
              {t('orgCerts.validUntil')}
              <input type="date" value={form.validUntil} onChange={(e) => setForm({ ...form, validUntil: e.target.value })} />
            </label>
            <button type="submit" className="primary">
              {t('orgCerts.grantButton')}
            </button>
          </form>

          <h2>{t('orgCerts.active')}</h2>
          {active.length === 0 && <p className="muted">{t('orgCerts.noneActive')}</p>}
          <ul>
            {active.map((c) => (
              <RevokeRow key={c.id} cert={c} onDone={changed} />
            ))}
          </ul>
          {data.certs.length > 0 && (
            <>
              <h2>{t('certs.history')}</h2>
              <CertificationTable items={data.certs} showUser label={t('certs.history')} />
            </>
          )}
        </>
      )}
    </>
  );
}
