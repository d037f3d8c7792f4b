// Undo/redo history of immutable snapshots. Consecutive pushes with the same
// coalesce key (e.g. typing in one text field) merge into one undo step.

export interface HistoryState<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  readonly lastKey: string | null;
}

export const HISTORY_LIMIT = 200;

export function createHistory<T>(initial: T): HistoryState<T> {
  return { past: [], present: initial, future: [], lastKey: null };
}

export function push<T>(h: HistoryState<T>, next: T, coalesceKey: string | null = null): HistoryState<T> {
  if (Object.is(next, h.present)) return h;
  if (coalesceKey !== null && coalesceKey === h.lastKey && h.past.length > 0) {
    return { past: h.past, present: next, future: [], lastKey: coalesceKey };
  }
  const past = [...h.past, h.present];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: coalesceKey };
}

export function canUndo<T>(h: HistoryState<T>): boolean {
  return h.past.length > 0;
}

export function canRedo<T>(h: HistoryState<T>): boolean {
  return h.future.length > 0;
}

export function undo<T>(h: HistoryState<T>): HistoryState<T> {
  const previous = h.past[h.past.length - 1];
  if (h.past.length === 0 || previous === undefined) return h;
  return { past: h.past.slice(0, -1), present: previous, future: [h.present, ...h.future], lastKey: null };
}

export function redo<T>(h: HistoryState<T>): HistoryState<T> {
  const next = h.future[0];
  if (h.future.length === 0 || next === undefined) return h;
  return { past: [...h.past, h.present], present: next, future: h.future.slice(1), lastKey: null };
}

/** Break coalescing, so the next push starts a new undo step. */
export function seal<T>(h: HistoryState<T>): HistoryState<T> {
  return h.lastKey === null ? h : { ...h, lastKey: null };
}
