import { useState, type FormEvent } from 'react';
import { members, rows } from '../api/endpoints';
import type { Role } from '../api/types';
import { useAuth } from '../app/auth';
import { ErrorBox } from '../app/errors';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';

const ROLES: Role[] = ['owner', 'manager', 'reviewer', 'annotator'];

export function MembersPage({ organizationId }: { organizationId: number }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const list = useAsync(() => members.list(organizationId).then(rows), [organizationId]);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const [error, setError] = useState<unknown>(null);
  const org = me?.memberships.find((m) => m.organization.id === organizationId)?.organization;

  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await members.add(organizationId, username.trim(), role);
      setUsername('');
    });
  };

  return (
    <section>
      <h1>{t('members.title', { org: org?.name ?? `#${organizationId}` })}</h1>
      <ErrorBox error={list.error ?? error} />
      <table className="table">
        <thead>
          <tr>
            <th>{t('members.username')}</th>
            <th>{t('members.role')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.data?.length === 0 && (
            <tr>
              <td colSpan={3}>{t('members.empty')}</td>
            </tr>
          )}
          {list.data?.map((m) => (
            <tr key={m.id}>
              <td>{m.user.username}</td>
              <td>
                <select aria-label={t('members.roleOf', { name: m.user.username })} value={m.role} onChange={(e) => void act(() => members.update(organizationId, m.id, e.target.value as Role))}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`role.${r}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" onClick={() => void act(() => members.remove(organizationId, m.id))}>
                  {t('members.remove', { name: m.user.username })}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={add} className="row">
        <label>
          {t('members.username')}
          <input value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('members.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('members.add')}
        </button>
      </form>
    </section>
  );
}
