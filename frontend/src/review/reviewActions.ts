// The reviewer's keyboard: accept, reject (asks a reason), fix, and moving
// between the annotations under review. One registry, read by the help list.
import { ActionRegistry } from '../core/actions';

export interface ReviewContext {
  /** a decision may be made now (item loaded, nothing in flight, no dialog open) */
  canDecide: boolean;
  annotationCount: number;
  accept: () => void;
  reject: () => void;
  fix: () => void;
  move: (dir: 1 | -1) => void;
}

export function buildReviewActions(): ActionRegistry<ReviewContext> {
  const r = new ActionRegistry<ReviewContext>();
  const ready = (c: ReviewContext) => c.canDecide;
  r.register({ id: 'review.accept', label: 'review.action.accept', shortcuts: ['a'], undo: 'none', enabled: ready, run: (c) => c.accept() });
  r.register({ id: 'review.reject', label: 'review.action.reject', shortcuts: ['r'], undo: 'none', enabled: ready, run: (c) => c.reject() });
  r.register({ id: 'review.fix', label: 'review.action.fix', shortcuts: ['f'], undo: 'none', enabled: ready, run: (c) => c.fix() });
  const many = (c: ReviewContext) => c.annotationCount > 1;
  r.register({ id: 'review.next', label: 'review.action.next', shortcuts: ['j'], undo: 'none', enabled: many, run: (c) => c.move(1) });
  r.register({ id: 'review.prev', label: 'review.action.prev', shortcuts: ['k'], undo: 'none', enabled: many, run: (c) => c.move(-1) });
  return r;
}
