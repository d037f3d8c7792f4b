// Pure logic of the pre-labeling page: how rates, metrics, job results and the flywheel setting
// read. No React, no fetch: unit-tested in versions.test.ts.
import type { Schema } from '../core/schema';
import type { ModelVersion, RetrainResult } from './api';

export const DASH = '—';

/** 0.5 → "50%", 0.123 → "12.3%", null → "—" (no annotations to measure yet). */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  const pct = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** The rate with how many annotations it rests on: "50% (1/2)". */
export function rateWithBase(rate: number | null, count: number): string {
  return rate === null ? DASH : `${formatRate(rate)} (${Math.round(rate * count)}/${count})`;
}

/** Held-out metrics of a retrained version, as "label: 92% vs 60% (n=12)"; "—" for the others. */
export function heldOutText(metrics: Record<string, unknown>): string {
  const held = metrics.heldout_accuracy;
  if (typeof held !== 'number') return DASH;
  const base = typeof metrics.baseline_accuracy === 'number' ? metrics.baseline_accuracy : null;
  const n = typeof metrics.eval_size === 'number' ? ` (n=${metrics.eval_size})` : '';
  const label = typeof metrics.label === 'string' ? `${metrics.label}: ` : '';
  return `${label}${formatRate(held)}${base === null ? '' : ` vs ${formatRate(base)}`}${n}`;
}

/** Newest version first, the active one on top. */
export function sortVersions(versions: readonly ModelVersion[]): ModelVersion[] {
  return [...versions].sort((a, b) => Number(b.is_active) - Number(a.is_active) || b.id - a.id);
}

export type RetrainOutcome =
  | { kind: 'registered'; version: string; prelabelJob: number | null }
  | { kind: 'kept'; reason: string }
  | { kind: 'unknown' };

/** What a finished retrain job says: a new version (and the pre-label job it queued), or why not. */
export function retrainOutcome(result: unknown): RetrainOutcome {
  if (typeof result !== 'object' || result === null) return { kind: 'unknown' };
  const r = result as RetrainResult;
  if (r.registered === true && typeof r.version === 'string') {
    return { kind: 'registered', version: r.version, prelabelJob: typeof r.prelabel_job === 'number' ? r.prelabel_job : null };
  }
  if (r.registered === false) return { kind: 'kept', reason: typeof r.reason === 'string' ? r.reason : '' };
  return { kind: 'unknown' };
}

/** A pre-label job's counts (created, skipped, invalid), zero where the result lacks them. */
export function prelabelCounts(result: unknown): { created: number; skipped: number; invalid: number } {
  const r = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
  const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  return { created: n('created'), skipped: n('skipped'), invalid: n('invalid') };
}

export const MAX_RETRAIN_EVERY = 1_000_000;

/** The flywheel input: empty turns it off (null); otherwise a whole number 1…1,000,000. */
export function parseRetrainEvery(text: string): { value: number | null } | { error: 'whole' | 'range' } {
  const s = text.trim();
  if (s === '') return { value: null };
  if (!/^\d+$/.test(s)) return { error: 'whole' };
  const n = Number(s);
  if (n < 1 || n > MAX_RETRAIN_EVERY) return { error: 'range' };
  return { value: n };
}

/** The labels a retrain can learn: choice and multi-choice. */
export function learnableLabels(schema: Schema): string[] {
  return schema.labels.filter((l) => l.type === 'choice' || l.type === 'multi_choice').map((l) => l.name);
}
