// Exam progress and attempt rules as the candidate sees them: what is answered,
// where to go next, whether finishing is allowed, attempts left, what was wrong.
import type { Attempt, AttemptItem, Exam } from './api';

export interface Progress {
  answered: number;
  total: number;
  /** index of the first unanswered item, null when all are answered */
  firstOpen: number | null;
  complete: boolean;
}

export function examProgress(items: readonly Pick<AttemptItem, 'answered'>[]): Progress {
  const answered = items.filter((i) => i.answered).length;
  const open = items.findIndex((i) => !i.answered);
  return { answered, total: items.length, firstOpen: open < 0 ? null : open, complete: items.length > 0 && open < 0 };
}

/** The next unanswered item after `from`, wrapping around; null when none is left. */
export function nextOpen(items: readonly Pick<AttemptItem, 'answered'>[], from: number): number | null {
  for (let k = 1; k <= items.length; k++) {
    const i = (from + k) % items.length;
    if (!items[i]?.answered) return i;
  }
  return null;
}

export function sortedItems<T extends Pick<AttemptItem, 'position'>>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.position - b.position);
}

export function attemptsUsed(exam: Pick<Exam, 'my_attempts'>): number {
  return exam.my_attempts.length;
}

export function attemptsLeft(exam: Pick<Exam, 'my_attempts' | 'max_attempts'>): number {
  return Math.max(0, exam.max_attempts - attemptsUsed(exam));
}

/** The attempt the candidate can continue, if one is in progress. */
export function openAttempt(exam: Pick<Exam, 'my_attempts'>): number | null {
  return exam.my_attempts.find((a) => a.status === 'in_progress')?.id ?? null;
}

export function isFinished(a: Pick<Attempt, 'status'>): boolean {
  return a.status !== 'in_progress';
}

/** Items graded wrong after finishing (positions, 1-based as shown). */
export function wrongItems(a: Pick<Attempt, 'items'>): AttemptItem[] {
  return sortedItems(a.items).filter((i) => i.correct === false);
}

/** A score in [0, 1] as a whole percentage. */
export function percent(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : `${Math.round(score * 100)}%`;
}
