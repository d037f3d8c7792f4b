// One registry of user operations. Every action has a name, its shortcuts, a
// predicate saying when it applies and an undo policy. The dispatcher maps key
// events to actions; the help overlay lists the same registry, so the shortcuts
// shown are the shortcuts that work. A shortcut bound twice is refused.

export type UndoPolicy = 'record' | 'none';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export interface Action<C> {
  /** unique id, e.g. "submit" */
  id: string;
  /** i18n key of the action's name, shown in the help overlay */
  label: string;
  /** canonical shortcuts, e.g. ["Mod+Enter"], ["1", "2"], ["Shift+ArrowLeft"] */
  shortcuts: readonly string[];
  /** shortcuts without modifiers are ignored while typing in a text field, unless this is true */
  inTextFields?: boolean;
  undo: UndoPolicy;
  /** is the action available now? */
  enabled?: (ctx: C) => boolean;
  /** run it; `shortcut` is the canonical shortcut that fired (null when run from a button) */
  run: (ctx: C, shortcut: string | null) => void;
}

export class DuplicateShortcutError extends Error {
  constructor(
    readonly shortcut: string,
    readonly existing: string,
    readonly incoming: string,
  ) {
    super(`Shortcut "${shortcut}" of action "${incoming}" is already bound to "${existing}"`);
    this.name = 'DuplicateShortcutError';
  }
}

const MODIFIER_ORDER = ['Mod', 'Alt', 'Shift'] as const;
const KEY_ALIASES: Record<string, string> = {
  esc: 'Escape',
  escape: 'Escape',
  enter: 'Enter',
  return: 'Enter',
  del: 'Delete',
  delete: 'Delete',
  backspace: 'Backspace',
  space: 'Space',
  ' ': 'Space',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  up: 'ArrowUp',
  down: 'ArrowDown',
  arrowleft: 'ArrowLeft',
  arrowright: 'ArrowRight',
  arrowup: 'ArrowUp',
  arrowdown: 'ArrowDown',
  tab: 'Tab',
};

function normalizeKeyName(key: string): string {
  const alias = KEY_ALIASES[key.toLowerCase()];
  if (alias) return alias;
  return key.length === 1 ? key.toLowerCase() : key;
}

/** Canonical form of a written shortcut: "shift+ctrl+z" -> "Mod+Shift+z". Ctrl and Cmd are both "Mod". */
export function normalizeShortcut(shortcut: string): string {
  const parts = shortcut.split('+');
  // "Mod++" means the plus key
  const rawKey = shortcut.endsWith('++') ? '+' : (parts.pop() ?? '');
  const mods = new Set<string>();
  for (const p of parts) {
    const m = p.trim().toLowerCase();
    if (m === '') continue;
    if (m === 'ctrl' || m === 'cmd' || m === 'meta' || m === 'mod' || m === 'control') mods.add('Mod');
    else if (m === 'alt' || m === 'option') mods.add('Alt');
    else if (m === 'shift') mods.add('Shift');
    else throw new Error(`Unknown modifier "${p}" in shortcut "${shortcut}"`);
  }
  const key = normalizeKeyName(rawKey);
  if (key === '') throw new Error(`Empty key in shortcut "${shortcut}"`);
  return [...MODIFIER_ORDER.filter((m) => mods.has(m)), key].join('+');
}

/**
 * Canonical shortcut of a key event. For printable characters Shift is part of
 * the character ("?" is Shift+/ on most layouts), so Shift is dropped unless
 * another modifier is held or the key is a named key (Shift+ArrowLeft).
 */
export function shortcutFromEvent(e: KeyLike): string {
  const key = normalizeKeyName(e.key);
  const printable = key.length === 1;
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push('Mod');
  if (e.altKey) mods.push('Alt');
  if (e.shiftKey && (!printable || mods.length > 0)) mods.push('Shift');
  return [...mods, key].join('+');
}

export function hasModifier(shortcut: string): boolean {
  return shortcut.startsWith('Mod+') || shortcut.startsWith('Alt+');
}

export class ActionRegistry<C> {
  private readonly actions = new Map<string, Action<C>>();
  private readonly byShortcut = new Map<string, string>();

  /** Register an action. Throws DuplicateShortcutError (and registers nothing) if any shortcut is taken. */
  register(action: Action<C>): this {
    if (this.actions.has(action.id)) throw new Error(`Action "${action.id}" is already registered`);
    const normalized = action.shortcuts.map(normalizeShortcut);
    const seen = new Set<string>();
    for (const s of normalized) {
      const existing = this.byShortcut.get(s);
      if (existing !== undefined) throw new DuplicateShortcutError(s, existing, action.id);
      if (seen.has(s)) throw new DuplicateShortcutError(s, action.id, action.id);
      seen.add(s);
    }
    const stored: Action<C> = { ...action, shortcuts: normalized };
    this.actions.set(action.id, stored);
    for (const s of normalized) this.byShortcut.set(s, action.id);
    return this;
  }

  get(id: string): Action<C> | undefined {
    return this.actions.get(id);
  }

  list(): Action<C>[] {
    return [...this.actions.values()];
  }

  actionForShortcut(shortcut: string): Action<C> | undefined {
    const id = this.byShortcut.get(shortcut);
    return id === undefined ? undefined : this.actions.get(id);
  }

  isEnabled(id: string, ctx: C): boolean {
    const a = this.actions.get(id);
    return a !== undefined && (a.enabled ? a.enabled(ctx) : true);
  }

  /** Run an action by id (from a button). Returns whether it ran. */
  run(id: string, ctx: C): boolean {
    const a = this.actions.get(id);
    if (!a || (a.enabled && !a.enabled(ctx))) return false;
    a.run(ctx, null);
    return true;
  }

  /**
   * Handle a key event. Returns the action that ran (the caller then calls
   * preventDefault), or undefined when the key is not ours here.
   */
  dispatch(e: KeyLike, ctx: C, opts: { inTextField?: boolean } = {}): Action<C> | undefined {
    const shortcut = shortcutFromEvent(e);
    const a = this.actionForShortcut(shortcut);
    if (!a) return undefined;
    if (opts.inTextField && !a.inTextFields && !hasModifier(shortcut)) return undefined;
    if (a.enabled && !a.enabled(ctx)) return undefined;
    a.run(ctx, shortcut);
    return a;
  }
}

/** Human-readable shortcut for the overlay: "Mod" shown as Ctrl (or ⌘ on Apple). */
export function displayShortcut(shortcut: string, apple = false): string {
  return shortcut
    .split('+')
    .map((p) => {
      if (p === 'Mod') return apple ? '⌘' : 'Ctrl';
      if (p === 'ArrowLeft') return '←';
      if (p === 'ArrowRight') return '→';
      if (p === 'ArrowUp') return '↑';
      if (p === 'ArrowDown') return '↓';
      return p.length === 1 ? p.toUpperCase() : p;
    })
    .join('+');
}
