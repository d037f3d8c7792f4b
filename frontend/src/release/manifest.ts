// Reading the facts the pages show out of a release manifest. The snapshot owns the manifest's
// exact layout; this takes the documented keys and tolerates missing or differently nested ones.
import type { Release } from './api';

export interface ManifestFacts {
  schemaSha: string | null;
  guidelineSha: string | null;
  agreement: { mean: number | null; min: number | null } | null;
  modelVersions: string[];
  bySource: Record<string, number>;
  reviewers: { username: string; level: number | null; decisions: number | null }[];
  labelDistribution: [string, Record<string, number>][];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The first of several possible places (dotted paths) that holds a value. */
function pick(m: Obj, paths: string[]): unknown {
  for (const p of paths) {
    let v: unknown = m;
    for (const k of p.split('.')) v = isObj(v) ? v[k] : undefined;
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function counts(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (num(x) !== null) out[k] = x as number;
  return out;
}

/** Sum of a number or of the numbers in an object ({"accept": 2, "fix": 1} → 3). */
function total(v: unknown): number | null {
  if (num(v) !== null) return v as number;
  if (!isObj(v)) return null;
  const values = Object.values(v).filter((x) => num(x) !== null) as number[];
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
}

/** Model versions as a list, or as {version: count} (keys), or as [{model_version}]. */
function versions(v: unknown): string[] {
  if (isObj(v)) return Object.keys(v);
  if (!Array.isArray(v)) return [];
  return v.map((x) => (isObj(x) ? String(x.model_version ?? x.name ?? '') : String(x))).filter(Boolean);
}

/** A label's value counts: {"values": {...}} or {"counts": {...}} or the counts themselves. */
function labelCounts(v: unknown): Record<string, number> {
  if (isObj(v) && isObj(v.values)) return counts(v.values);
  if (isObj(v) && isObj(v.counts)) return counts(v.counts);
  return counts(v);
}

export function manifestFacts(release: Pick<Release, 'manifest'>): ManifestFacts {
  const m: Obj = isObj(release.manifest) ? release.manifest : {};
  const agreement = pick(m, ['agreement', 'agreement_summary']);
  const reviewers = pick(m, ['reviewers']);
  const dist = pick(m, ['label_distribution', 'labels']);
  return {
    schemaSha: str(pick(m, ['schema_sha256', 'schema.sha256'])),
    guidelineSha: str(pick(m, ['guideline_sha256', 'guideline_version', 'guidelines.sha256', 'guideline.sha256'])),
    agreement: isObj(agreement) ? { mean: num(agreement.mean), min: num(agreement.min) } : null,
    modelVersions: versions(pick(m, ['model_versions', 'models'])),
    bySource: counts(pick(m, ['counts.by_source', 'by_source', 'sources'])),
    reviewers: Array.isArray(reviewers)
      ? reviewers.filter(isObj).map((r) => ({ username: String(r.username ?? r.reviewer ?? ''), level: num(r.level), decisions: total(r.decisions ?? r.count) }))
      : isObj(reviewers)
        ? Object.entries(reviewers).map(([username, r]) => ({ username, level: isObj(r) ? num(r.level) : num(r), decisions: isObj(r) ? total(r.decisions ?? r.count) : null }))
        : [],
    labelDistribution: isObj(dist)
      ? Object.entries(dist)
          .map(([label, v]): [string, Record<string, number>] => [label, labelCounts(v)])
          .filter(([, c]) => Object.keys(c).length > 0)
      : [],
  };
}
