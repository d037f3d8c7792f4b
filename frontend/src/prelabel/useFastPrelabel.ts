// The workspace's side of the fast path: when a task shows with no suggestion, ask for one; if it
// arrives before the annotator edited anything, hand the task back with it (the editor pre-fills
// suggestions). Returns the callback the editor reports its result to.
import { useCallback, useEffect, useRef } from 'react';
import type { NextTask } from '../api/types';
import { prelabel } from './api';
import { abortableSleep, awaitSuggestion, EditWatch, needsSuggestion, withSuggestion, type FastPathDeps } from './fastPath';

const LIVE: FastPathDeps = {
  ask: (id) => prelabel.askForTask(id),
  poll: (id) => prelabel.taskPredictions(id),
  sleep: abortableSleep,
  now: () => Date.now(),
};

export function useFastPrelabel(item: NextTask | null, apply: (next: NextTask) => void): (result: unknown) => void {
  const watch = useRef(new EditWatch());
  const current = useRef(item);
  current.current = item;
  const applyRef = useRef(apply);
  applyRef.current = apply;
  const taskId = item?.task.id ?? null;
  const needed = item !== null && needsSuggestion(item);

  useEffect(() => {
    if (taskId === null || !needed) return;
    const stop = new AbortController();
    void awaitSuggestion(taskId, LIVE, stop.signal).then((prediction) => {
      const shown = current.current;
      if (!prediction || stop.signal.aborted || !shown || shown.task.id !== taskId) return;
      if (needsSuggestion(shown) && !watch.current.edited(taskId)) applyRef.current(withSuggestion(shown, prediction));
    });
    return () => stop.abort();
  }, [taskId, needed]);

  return useCallback((result: unknown) => {
    const shown = current.current;
    if (shown) watch.current.see(shown.task.id, result);
  }, []);
}
