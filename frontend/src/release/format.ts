// Numbers, money, shares and diff summaries as the release pages show them, in the user's language.
import type { Job } from '../api/types';
import type { Lang } from '../i18n/detect';
import type { ReleaseDiff } from './api';

export const DASH = '—';

export function locale(lang: Lang): string {
  return lang === 'zh-hans' ? 'zh-CN' : 'en-US';
}

function toNumber(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A plain number with grouping and at most `digits` decimals; a dash when there is none. */
export function formatNumber(v: number | string | null | undefined, lang: Lang, digits = 3): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(n);
}

/** A share in [0, 1] as a percentage. */
export function formatPercent(share: number | null | undefined, lang: Lang, digits = 1): string {
  const n = toNumber(share);
  if (n === null) return DASH;
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: digits }).format(n);
}

/**
 * An amount of money. The API sends decimals as strings ("1234.50") so they are not rounded on the
 * way; `perUnit` keeps up to eight decimals for prices like 0.00002 per token.
 */
export function formatMoney(amount: number | string | null | undefined, currency: string, lang: Lang, perUnit = false): string {
  const n = toNumber(amount);
  if (n === null) return typeof amount === 'string' && amount ? amount : DASH;
  try {
    return new Intl.NumberFormat(locale(lang), {
      style: 'currency',
      currency: currency || 'CNY',
      minimumFractionDigits: 2,
      maximumFractionDigits: perUnit ? 8 : 2,
    }).format(n);
  } catch {
    // An unknown currency code: the number and the code as sent.
    return `${formatNumber(n, lang, perUnit ? 8 : 2)} ${currency}`;
  }
}

/** The start of a long hex digest, enough to tell two apart on screen. */
export function shortHash(hex: string | null | undefined, n = 12): string {
  if (!hex) return DASH;
  return hex.length > n ? `${hex.slice(0, n)}…` : hex;
}

export interface DiffSummary {
  added: number;
  removed: number;
  changed: number;
  unchanged: number | null;
  identical: boolean;
  samples: { added: string[]; removed: string[]; changed: string[] };
  hidden: { added: number; removed: number; changed: number };
}

/** Counts (from `counts` when the server sent them, else the key lists) and the first keys of each kind. */
export function summarizeDiff(diff: ReleaseDiff, limit = 20): DiffSummary {
  const count = (k: 'added' | 'removed' | 'changed') => {
    const c = diff.counts?.[k];
    return typeof c === 'number' ? c : diff[k].length;
  };
  const added = count('added');
  const removed = count('removed');
  const changed = count('changed');
  const unchanged = typeof diff.counts?.unchanged === 'number' ? diff.counts.unchanged : null;
  return {
    added,
    removed,
    changed,
    unchanged,
    identical: added + removed + changed === 0,
    samples: { added: diff.added.slice(0, limit), removed: diff.removed.slice(0, limit), changed: diff.changed.slice(0, limit) },
    hidden: { added: Math.max(0, added - limit), removed: Math.max(0, removed - limit), changed: Math.max(0, changed - limit) },
  };
}

export interface JobProgressView {
  done: number;
  total: number;
  /** for <progress>: a finished job shows full, an unknown total shows indeterminate (value null) */
  value: number | null;
  max: number;
  finished: boolean;
  succeeded: boolean;
}

export function jobProgress(job: Pick<Job, 'state' | 'progress_done' | 'progress_total'>): JobProgressView {
  const done = job.progress_done ?? 0;
  const total = job.progress_total ?? 0;
  const succeeded = job.state === 'succeeded';
  const finished = succeeded || job.state === 'failed' || job.state === 'cancelled';
  const max = total > 0 ? total : 1;
  const value = succeeded ? max : total > 0 ? Math.min(done, total) : job.state === 'queued' ? 0 : null;
  return { done, total, value, max, finished, succeeded };
}

/** A timestamp in the user's language, to the minute; the raw text when it does not parse. */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(t));
}

/** A user as the API may send one: {id, username}, a bare id, or nothing. */
export function userName(u: { username: string } | number | null | undefined): string {
  if (u === null || u === undefined) return DASH;
  return typeof u === 'number' ? `#${u}` : u.username;
}
