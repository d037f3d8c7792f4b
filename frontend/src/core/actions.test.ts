import { describe, expect, it } from 'vitest';
import { ActionRegistry, DuplicateShortcutError, normalizeShortcut, shortcutFromEvent } from './actions';
import { key } from './testing';

interface Ctx {
  log: string[];
  canSubmit: boolean;
}

function registry() {
  const r = new ActionRegistry<Ctx>();
  r.register({ id: 'submit', label: 'a.submit', shortcuts: ['Ctrl+Enter'], undo: 'none', inTextFields: true, enabled: (c) => c.canSubmit, run: (c) => c.log.push('submit') });
  r.register({ id: 'undo', label: 'a.undo', shortcuts: ['Mod+z'], undo: 'none', run: (c) => c.log.push('undo') });
  r.register({ id: 'redo', label: 'a.redo', shortcuts: ['Mod+Shift+Z', 'Mod+y'], undo: 'none', run: (c) => c.log.push('redo') });
  r.register({ id: 'option', label: 'a.option', shortcuts: ['1', '2', '3'], undo: 'record', run: (c, s) => c.log.push(`option ${s}`) });
  r.register({ id: 'help', label: 'a.help', shortcuts: ['?'], undo: 'none', run: (c) => c.log.push('help') });
  return r;
}

describe('shortcut registry', () => {
  it('writes shortcuts in one canonical form', () => {
    expect(normalizeShortcut('shift+ctrl+Z')).toBe('Mod+Shift+z');
    expect(normalizeShortcut('Cmd+Enter')).toBe('Mod+Enter');
    expect(normalizeShortcut('esc')).toBe('Escape');
  });

  it('reads Shift into the character for printable keys only', () => {
    expect(shortcutFromEvent(key('Shift+?'))).toBe('?');
    expect(shortcutFromEvent(key('Ctrl+Shift+Z'))).toBe('Mod+Shift+z');
    expect(shortcutFromEvent(key('Shift+ArrowLeft'))).toBe('Shift+ArrowLeft');
    expect(shortcutFromEvent(key('Meta+Enter'))).toBe('Mod+Enter');
  });

  it('refuses a shortcut bound twice and keeps the first binding', () => {
    const r = registry();
    expect(() =>
      r.register({ id: 'save', label: 'a.save', shortcuts: ['Cmd+Enter'], undo: 'none', run: () => undefined }),
    ).toThrow(DuplicateShortcutError);
    expect(r.get('save')).toBeUndefined();
    expect(r.actionForShortcut('Mod+Enter')?.id).toBe('submit');
  });

  it('refuses an action that lists the same shortcut twice', () => {
    const r = new ActionRegistry<Ctx>();
    expect(() => r.register({ id: 'x', label: 'x', shortcuts: ['a', 'A'], undo: 'none', run: () => undefined })).toThrow(DuplicateShortcutError);
  });

  it('dispatches a key to its action and passes the shortcut', () => {
    const r = registry();
    const ctx: Ctx = { log: [], canSubmit: true };
    r.dispatch(key('2'), ctx);
    r.dispatch(key('Ctrl+y'), ctx);
    r.dispatch(key('Shift+?'), ctx);
    expect(ctx.log).toEqual(['option 2', 'redo', 'help']);
  });

  it('does not run a disabled action', () => {
    const r = registry();
    const ctx: Ctx = { log: [], canSubmit: false };
    expect(r.dispatch(key('Ctrl+Enter'), ctx)).toBeUndefined();
    expect(r.run('submit', ctx)).toBe(false);
    expect(ctx.log).toEqual([]);
  });

  it('leaves plain keys to text fields but still submits from them', () => {
    const r = registry();
    const ctx: Ctx = { log: [], canSubmit: true };
    expect(r.dispatch(key('1'), ctx, { inTextField: true })).toBeUndefined();
    expect(r.dispatch(key('Ctrl+Enter'), ctx, { inTextField: true })?.id).toBe('submit');
    expect(ctx.log).toEqual(['submit']);
  });

  it('lists every action for the help overlay', () => {
    expect(registry().list().map((a) => a.id)).toEqual(['submit', 'undo', 'redo', 'option', 'help']);
  });
});
