// Catalogue keys for the review area's enumerations (levels, reasons, verdicts,
// decisions), so pages never print a raw code when a translation exists.
import type { MessageKey } from '../i18n';
import { TASK_STATUSES, type TaskStatus } from '../api/types';
import type { Decision, Reason } from './api';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

export function levelName(t: T, level: number): string {
  const key = `level.${level}` as MessageKey;
  return level >= 0 && level <= 4 ? t(key) : String(level);
}

export function levelText(t: T, level: number): string {
  return t('level.numbered', { level, name: levelName(t, level) });
}

const REASON_CODES = new Set([
  'low_agreement',
  'conflict',
  'failed_checks',
  'lead_time_too_short',
  'gold_mismatch',
  'sample',
  'low_confidence',
  'unreliable',
  'all',
  'single_annotation',
  'rule',
]);

/** A routing reason as a sentence: a known code is translated, an unknown one shown as it came. */
export function reasonText(t: T, reason: Reason | string): string {
  const code = typeof reason === 'string' ? reason : reason.code;
  const base = REASON_CODES.has(code) ? t(`review.reason.${code}` as MessageKey) : code;
  const label = typeof reason === 'string' ? undefined : reason.label;
  return label ? t('review.reason.onLabel', { reason: base, label }) : base;
}

export function decisionText(t: T, d: Decision | string): string {
  return d === 'accept' || d === 'reject' || d === 'fix' ? t(`review.decision.${d}`) : d;
}

export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'zh-hans' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function statusText(t: T, status: string): string {
  return (TASK_STATUSES as readonly string[]).includes(status) ? t(`status.${status as TaskStatus}`) : status;
}
