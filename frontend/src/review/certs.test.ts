import { describe, expect, it } from 'vitest';
import type { Certification } from './api';
import { certState, levelMatrix } from './certs';

const now = new Date('2026-06-01T00:00:00Z');

function cert(over: Partial<Certification> & { userId: number; domain: string; level: number }): Certification {
  const { userId, ...rest } = over;
  return {
    id: Math.floor(Math.random() * 1e6),
    organization: 1,
    user: { id: userId, username: `u${userId}` },
    level_name: '',
    granted_via: 'manual',
    reason: 'r',
    granted_by: null,
    granted_at: '2026-01-01T00:00:00Z',
    valid_until: null,
    revoked_at: null,
    revoke_reason: '',
    active: true,
    ...rest,
  };
}

describe('certification state', () => {
  it('is revoked, expired or active', () => {
    expect(certState({ revoked_at: '2026-02-01T00:00:00Z', valid_until: null }, now)).toBe('revoked');
    expect(certState({ revoked_at: null, valid_until: '2026-05-31T23:59:59Z' }, now)).toBe('expired');
    expect(certState({ revoked_at: null, valid_until: '2026-07-01T00:00:00Z' }, now)).toBe('active');
    expect(certState({ revoked_at: null, valid_until: null }, now)).toBe('active');
  });
});

describe('members × domains matrix', () => {
  it('holds active levels only, with the domains of projects and certifications', () => {
    const m = levelMatrix(
      [
        cert({ userId: 1, domain: 'medicine', level: 4 }),
        cert({ userId: 2, domain: 'medicine', level: 3, revoked_at: '2026-03-01T00:00:00Z' }),
        cert({ userId: 2, domain: 'law', level: 2, valid_until: '2026-01-02T00:00:00Z' }),
        cert({ userId: 3, domain: 'finance', level: 1 }),
      ],
      ['medicine', 'general', ''],
      now,
    );
    expect(m.domains).toEqual(['finance', 'general', 'medicine']);
    expect(m.cells.get(1)?.get('medicine')?.level).toBe(4);
    expect(m.cells.get(2)).toBeUndefined();
    expect(m.cells.get(3)?.get('finance')?.level).toBe(1);
  });

  it('keeps the newest grant if two active rows ever arrive for one member and domain', () => {
    const m = levelMatrix(
      [cert({ userId: 1, domain: 'law', level: 2, granted_at: '2026-01-01T00:00:00Z' }), cert({ userId: 1, domain: 'law', level: 3, granted_at: '2026-02-01T00:00:00Z' })],
      [],
      now,
    );
    expect(m.cells.get(1)?.get('law')?.level).toBe(3);
  });
});
