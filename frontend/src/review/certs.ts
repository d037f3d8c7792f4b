// Certification rules as the pages show them: whether a row still counts, and
// the members × domains matrix of active levels for the manager's page.
import type { Certification } from './api';

export type CertState = 'active' | 'expired' | 'revoked';

export function certState(c: Pick<Certification, 'revoked_at' | 'valid_until'>, now: Date): CertState {
  if (c.revoked_at) return 'revoked';
  if (c.valid_until && new Date(c.valid_until).getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export interface Matrix {
  domains: string[];
  /** user id -> domain -> active certification */
  cells: Map<number, Map<string, Certification>>;
}

/** Active levels by member and domain; domains from the projects plus any certified one, sorted. */
export function levelMatrix(certs: readonly Certification[], projectDomains: readonly string[], now: Date): Matrix {
  const domains = new Set(projectDomains.filter((d) => d !== ''));
  const cells = new Map<number, Map<string, Certification>>();
  for (const c of certs) {
    if (certState(c, now) !== 'active') continue;
    domains.add(c.domain);
    const row = cells.get(c.user.id) ?? new Map<string, Certification>();
    const held = row.get(c.domain);
    // one active row per (user, domain) is the rule; keep the newest if the server ever sends two
    if (!held || held.granted_at < c.granted_at) row.set(c.domain, c);
    cells.set(c.user.id, row);
  }
  return { domains: [...domains].sort(), cells };
}
