import { describe, expect, it } from 'vitest';
import type { NextTask, Prediction } from '../api/types';
import type { FastPathAnswer } from './api';
import { awaitSuggestion, EditWatch, needsSuggestion, withSuggestion, type FastPathDeps } from './fastPath';

const SUGGESTION: Prediction = { id: 7, model_version: 'builtin', result: { sentiment: 'pos' }, score: 0.8 };

/** A clock that advances only when the fast path sleeps, and a server scripted per call. */
function world(answer: FastPathAnswer | Error, polls: (Prediction[] | Error)[]) {
  let now = 0;
  const calls: string[] = [];
  const deps: FastPathDeps = {
    ask: async (id) => {
      calls.push(`ask ${id}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    poll: async (id) => {
      calls.push(`poll ${id}`);
      const next = polls.shift() ?? [];
      if (next instanceof Error) throw next;
      return next;
    },
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
  };
  return { deps, calls, elapsed: () => now };
}

describe('awaitSuggestion', () => {
  it('takes a prediction the server already had without polling', async () => {
    const w = world({ queued: false, predictions: [SUGGESTION] }, []);
    expect(await awaitSuggestion(3, w.deps, new AbortController().signal)).toEqual(SUGGESTION);
    expect(w.calls).toEqual(['ask 3']);
  });

  it('polls after a queued request until the prediction arrives', async () => {
    const w = world({ queued: true, predictions: [] }, [[], [], [SUGGESTION]]);
    expect(await awaitSuggestion(3, w.deps, new AbortController().signal, { pollMs: 500, waitMs: 6000 })).toEqual(SUGGESTION);
    expect(w.calls).toEqual(['ask 3', 'poll 3', 'poll 3', 'poll 3']);
  });

  it('gives up after the waiting time', async () => {
    const w = world({ queued: true, predictions: [] }, []);
    expect(await awaitSuggestion(3, w.deps, new AbortController().signal, { pollMs: 1000, waitMs: 3000 })).toBeNull();
    expect(w.calls).toEqual(['ask 3', 'poll 3', 'poll 3', 'poll 3']);
    expect(w.elapsed()).toBe(3000);
  });

  it('gives up quietly on an error', async () => {
    expect(await awaitSuggestion(3, world(new Error('403'), []).deps, new AbortController().signal)).toBeNull();
    const w = world({ queued: true, predictions: [] }, [[], new Error('network')]);
    expect(await awaitSuggestion(3, w.deps, new AbortController().signal)).toBeNull();
    expect(w.calls).toEqual(['ask 3', 'poll 3', 'poll 3']);
  });

  it('stops polling once aborted (the annotator moved on)', async () => {
    const stop = new AbortController();
    const w = world({ queued: true, predictions: [] }, []);
    const sleep = w.deps.sleep;
    w.deps.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      stop.abort();
    };
    expect(await awaitSuggestion(3, w.deps, stop.signal)).toBeNull();
    expect(w.calls).toEqual(['ask 3']);
  });
});

describe('EditWatch', () => {
  it('counts a change against how the task first appeared, per task', () => {
    const watch = new EditWatch();
    watch.see(1, { sentiment: null });
    watch.see(1, { sentiment: null }); // re-rendered, not edited
    expect(watch.edited(1)).toBe(false);
    watch.see(1, { sentiment: 'neg' });
    expect(watch.edited(1)).toBe(true);
    watch.see(2, { sentiment: 'neg' }); // the next task starts clean, whatever it shows
    expect(watch.edited(2)).toBe(false);
    expect(watch.edited(1)).toBe(false);
  });
});

describe('which tasks ask', () => {
  const item: NextTask = {
    task: { id: 3 } as NextTask['task'],
    predictions: [],
    annotation: null,
    lease_expires_at: null,
  };

  it('only a task with neither a suggestion nor the caller’s draft', () => {
    expect(needsSuggestion(item)).toBe(true);
    expect(needsSuggestion(withSuggestion(item, SUGGESTION))).toBe(false);
    expect(needsSuggestion({ ...item, annotation: { id: 1 } as NextTask['annotation'] })).toBe(false);
    expect(withSuggestion(item, SUGGESTION).predictions).toEqual([SUGGESTION]);
  });
});
