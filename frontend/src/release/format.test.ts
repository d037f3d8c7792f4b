import { describe, expect, it } from 'vitest';
import { DASH, formatDate, formatMoney, formatNumber, formatPercent, jobProgress, shortHash, summarizeDiff, userName } from './format';

describe('numbers', () => {
  it('groups digits and limits decimals in both languages', () => {
    expect(formatNumber(1234567.891, 'en')).toBe('1,234,567.891');
    expect(formatNumber(0.66666, 'en', 2)).toBe('0.67');
    expect(formatNumber('42', 'zh-hans')).toBe('42');
  });

  it('shows a dash for nothing and for text that is not a number', () => {
    expect(formatNumber(null, 'en')).toBe(DASH);
    expect(formatNumber(undefined, 'en')).toBe(DASH);
    expect(formatNumber('n/a', 'en')).toBe(DASH);
  });

  it('shows shares as percentages', () => {
    expect(formatPercent(0.5, 'en')).toBe('50%');
    expect(formatPercent(0.6667, 'en')).toBe('66.7%');
    expect(formatPercent(null, 'zh-hans')).toBe(DASH);
  });
});

describe('money', () => {
  it('reads decimal strings and shows two decimals with the currency', () => {
    expect(formatMoney('1234.5', 'CNY', 'zh-hans')).toBe('¥1,234.50');
    expect(formatMoney(12, 'USD', 'en')).toBe('$12.00');
  });

  it('keeps the small decimals of a per-token price', () => {
    expect(formatMoney('0.00002', 'CNY', 'zh-hans', true)).toBe('¥0.00002');
    expect(formatMoney('0.00002', 'CNY', 'zh-hans')).toBe('¥0.00');
  });

  it('falls back to the number and the code for an unknown currency', () => {
    expect(formatMoney('3', 'POINTS', 'en')).toBe('3 POINTS');
  });

  it('shows what the server sent when it is not a number', () => {
    expect(formatMoney('', 'CNY', 'en')).toBe(DASH);
    expect(formatMoney(null, 'CNY', 'en')).toBe(DASH);
  });
});

describe('hashes', () => {
  it('shortens long digests and leaves short ones', () => {
    expect(shortHash('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`);
    expect(shortHash('abc')).toBe('abc');
    expect(shortHash(null)).toBe(DASH);
  });
});

describe('diff summary', () => {
  const keys = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);

  it('counts each kind and keeps the first keys, saying how many are hidden', () => {
    const s = summarizeDiff({ added: keys('a', 25), removed: keys('r', 2), changed: [], counts: {} }, 20);
    expect([s.added, s.removed, s.changed]).toEqual([25, 2, 0]);
    expect(s.samples.added).toHaveLength(20);
    expect(s.hidden).toEqual({ added: 5, removed: 0, changed: 0 });
    expect(s.identical).toBe(false);
    expect(s.unchanged).toBeNull();
  });

  it('trusts the server counts when the key lists are truncated', () => {
    const s = summarizeDiff({ added: ['k1'], removed: [], changed: ['k2'], counts: { added: 300, removed: 0, changed: 4, unchanged: 10 } }, 20);
    expect([s.added, s.changed, s.unchanged]).toEqual([300, 4, 10]);
    expect(s.hidden.added).toBe(280);
  });

  it('says two releases are identical when nothing moved', () => {
    expect(summarizeDiff({ added: [], removed: [], changed: [], counts: { unchanged: 3 } }).identical).toBe(true);
  });
});

describe('job progress', () => {
  it('fills the bar when the job succeeded even if the counts lag', () => {
    expect(jobProgress({ state: 'succeeded', progress_done: 3, progress_total: 10 })).toMatchObject({ value: 10, max: 10, finished: true, succeeded: true });
  });

  it('is indeterminate while running with no total yet, and empty while queued', () => {
    expect(jobProgress({ state: 'running', progress_done: 0, progress_total: 0 }).value).toBeNull();
    expect(jobProgress({ state: 'queued', progress_done: 0, progress_total: 0 }).value).toBe(0);
  });

  it('never shows more done than the total', () => {
    expect(jobProgress({ state: 'running', progress_done: 12, progress_total: 10 }).value).toBe(10);
    expect(jobProgress({ state: 'failed', progress_done: 1, progress_total: 10 })).toMatchObject({ finished: true, succeeded: false });
  });
});

describe('dates and users', () => {
  it('formats a timestamp and leaves text that is not one', () => {
    expect(formatDate('2026-11-22T08:05:00Z', 'en')).toMatch(/Nov 22, 2026/);
    expect(formatDate('2026-11-22T08:05:00Z', 'zh-hans')).toMatch(/2026年11月22日/);
    expect(formatDate('soon', 'en')).toBe('soon');
    expect(formatDate(null, 'en')).toBe(DASH);
  });

  it('names a user from an object or an id', () => {
    expect(userName({ username: 'manager' })).toBe('manager');
    expect(userName(7)).toBe('#7');
    expect(userName(null)).toBe(DASH);
  });
});
