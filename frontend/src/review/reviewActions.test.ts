import { describe, expect, it } from 'vitest';
import { DuplicateShortcutError } from '../core/actions';
import { key } from '../core/testing';
import { buildReviewActions, type ReviewContext } from './reviewActions';

function ctx(over: Partial<ReviewContext> = {}): ReviewContext & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    canDecide: true,
    annotationCount: 2,
    accept: () => log.push('accept'),
    reject: () => log.push('reject'),
    fix: () => log.push('fix'),
    move: (d) => log.push(`move ${d}`),
    ...over,
  };
}

describe('review keyboard', () => {
  it('maps A, R, F, J and K to the review actions', () => {
    const r = buildReviewActions();
    const c = ctx();
    for (const k of ['a', 'r', 'f', 'j', 'k']) r.dispatch(key(k), c);
    expect(c.log).toEqual(['accept', 'reject', 'fix', 'move 1', 'move -1']);
  });

  it('refuses decisions while one cannot be made and moving with a single annotation', () => {
    const r = buildReviewActions();
    const c = ctx({ canDecide: false, annotationCount: 1 });
    for (const k of ['a', 'r', 'f', 'j', 'k']) expect(r.dispatch(key(k), c)).toBeUndefined();
    expect(c.log).toEqual([]);
  });

  it('leaves keys with modifiers to others (Ctrl+A selects text)', () => {
    const c = ctx();
    expect(buildReviewActions().dispatch(key('ctrl+a'), c)).toBeUndefined();
    expect(c.log).toEqual([]);
  });

  it('cannot be given a shortcut twice', () => {
    const r = buildReviewActions();
    expect(() => r.register({ id: 'other', label: 'x', shortcuts: ['A'], undo: 'none', run: () => undefined })).toThrow(DuplicateShortcutError);
  });
});
