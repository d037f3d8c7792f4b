// The single-task fast path, without React: a task shows with no suggestion, so the workspace asks
// the server to pre-label it and looks for the answer for a few seconds. It never blocks the
// annotator and gives up quietly on any error; the suggestion is used only if nothing was edited.
import type { NextTask, Prediction } from '../api/types';
import type { FastPathAnswer } from './api';

export const POLL_MS = 700;
export const WAIT_MS = 10_000;

export interface FastPathDeps {
  ask: (taskId: number, signal: AbortSignal) => Promise<FastPathAnswer>;
  poll: (taskId: number, signal: AbortSignal) => Promise<Prediction[]>;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  now: () => number;
}

/** A task shown without a prediction and without the caller's own draft. */
export function needsSuggestion(item: NextTask): boolean {
  return item.predictions.length === 0 && item.annotation === null;
}

/** The same task, now with the suggestion the editor pre-fills. */
export function withSuggestion(item: NextTask, prediction: Prediction): NextTask {
  return { ...item, predictions: [prediction] };
}

/** Ask once, then poll until a prediction arrives or `waitMs` passed; null when none came. */
export async function awaitSuggestion(
  taskId: number,
  deps: FastPathDeps,
  signal: AbortSignal,
  { pollMs = POLL_MS, waitMs = WAIT_MS }: { pollMs?: number; waitMs?: number } = {},
): Promise<Prediction | null> {
  const deadline = deps.now() + waitMs;
  try {
    const answer = await deps.ask(taskId, signal);
    if (answer.predictions.length > 0) return answer.predictions[0] ?? null;
    while (!signal.aborted && deps.now() < deadline) {
      await deps.sleep(pollMs, signal);
      if (signal.aborted) break;
      const found = await deps.poll(taskId, signal);
      if (found.length > 0) return found[0] ?? null;
    }
  } catch {
    /* a busy worker, a 403 or a network error: no suggestion, nothing else changes */
  }
  return null;
}

/** Whether the annotator changed the result of the task on screen since it appeared. */
export class EditWatch {
  private taskId: number | null = null;
  private baseline = '';
  private changed = false;

  /** Report the editor's result (the first report for a task is how it appeared). */
  see(taskId: number, result: unknown): void {
    const text = JSON.stringify(result);
    if (taskId !== this.taskId) {
      this.taskId = taskId;
      this.baseline = text;
      this.changed = false;
    } else if (text !== this.baseline) {
      this.changed = true;
    }
  }

  edited(taskId: number): boolean {
    return this.taskId === taskId && this.changed;
  }
}

/** Timers that stop waiting when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      window.clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
