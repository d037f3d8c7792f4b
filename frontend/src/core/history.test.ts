import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, createHistory, push, redo, seal, undo } from './history';

describe('undo history', () => {
  it('undoes and redoes edits in order', () => {
    let h = createHistory({ sentiment: null as string | null });
    h = push(h, { sentiment: 'pos' });
    h = push(h, { sentiment: 'neg' });
    h = undo(h);
    expect(h.present).toEqual({ sentiment: 'pos' });
    h = undo(h);
    expect(h.present).toEqual({ sentiment: null });
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    expect(h.present).toEqual({ sentiment: 'pos' });
    expect(canRedo(h)).toBe(true);
  });

  it('drops the redo branch after a new edit', () => {
    let h = createHistory(0);
    h = push(h, 1);
    h = push(h, 2);
    h = undo(h);
    h = push(h, 3);
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe(1);
  });

  it('merges typing in one field into a single undo step', () => {
    let h = createHistory('');
    h = push(h, 'h', 'note');
    h = push(h, 'he', 'note');
    h = push(h, 'hel', 'note');
    expect(undo(h).present).toBe('');
  });

  it('starts a new step after the coalescing run is sealed', () => {
    let h = createHistory('');
    h = push(h, 'a', 'note');
    h = seal(h);
    h = push(h, 'ab', 'note');
    expect(undo(h).present).toBe('a');
  });

  it('ignores a push of the identical state', () => {
    const s = { a: 1 };
    const h = createHistory(s);
    expect(push(h, s)).toBe(h);
  });

  it('is a no-op to undo with nothing to undo', () => {
    const h = createHistory(1);
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });
});
