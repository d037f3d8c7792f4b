import { describe, expect, it } from 'vitest';
import type { AttemptItem } from './api';
import { attemptsLeft, examProgress, nextOpen, openAttempt, percent, sortedItems, wrongItems } from './exam';

function item(position: number, answered: boolean, correct: boolean | null = null): AttemptItem {
  return { task: { id: 100 + position, data: {}, media_url: null, media_width: null, media_height: null }, position, answered, given: null, correct, score: null, expected: null };
}

describe('exam progress', () => {
  it('counts answered items and points at the first open one', () => {
    expect(examProgress([item(0, true), item(1, false), item(2, false)])).toEqual({ answered: 1, total: 3, firstOpen: 1, complete: false });
    expect(examProgress([item(0, true), item(1, true)])).toEqual({ answered: 2, total: 2, firstOpen: null, complete: true });
  });

  it('is never complete without items', () => {
    expect(examProgress([]).complete).toBe(false);
  });

  it('moves to the next unanswered item, wrapping around', () => {
    const items = [item(0, false), item(1, true), item(2, false)];
    expect(nextOpen(items, 0)).toBe(2);
    expect(nextOpen(items, 2)).toBe(0);
    expect(nextOpen([item(0, true)], 0)).toBeNull();
  });

  it('orders items by position', () => {
    expect(sortedItems([item(2, false), item(0, false), item(1, false)]).map((i) => i.position)).toEqual([0, 1, 2]);
  });

  it('lists only the items graded wrong', () => {
    const wrong = wrongItems({ items: [item(1, true, false), item(0, true, true), item(2, true, false), item(3, false, null)] });
    expect(wrong.map((i) => i.position)).toEqual([1, 2]);
  });
});

describe('exam attempts', () => {
  const attempts = [
    { id: 1, status: 'failed' as const, score: 0.4, finished_at: '2026-01-01T00:00:00Z' },
    { id: 2, status: 'in_progress' as const, score: null, finished_at: null },
  ];

  it('counts every attempt started against the limit', () => {
    expect(attemptsLeft({ max_attempts: 3, my_attempts: attempts })).toBe(1);
    expect(attemptsLeft({ max_attempts: 1, my_attempts: attempts })).toBe(0);
  });

  it('offers to continue the attempt in progress', () => {
    expect(openAttempt({ my_attempts: attempts })).toBe(2);
    expect(openAttempt({ my_attempts: attempts.slice(0, 1) })).toBeNull();
  });

  it('shows scores as whole percentages', () => {
    expect(percent(0.875)).toBe('88%');
    expect(percent(null)).toBe('—');
  });
});
