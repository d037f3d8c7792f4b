// What the keyboard actions can ask of the active field. Each field component
// registers one; the action registry routes keys to the active field's.

export interface FieldController {
  /** key 1–9: choose option n (1-based) / label the selection / set the shape label */
  option?: (n: number) => void;
  canRemove?: () => boolean;
  remove?: () => void;
  /** spans: move the caret by a character or a word (extend = grow the selection) */
  caret?: (dir: -1 | 1, extend: boolean, unit?: 'char' | 'word') => void;
  canNudge?: () => boolean;
  nudge?: (dx: number, dy: number) => void;
  /** returns true when it cancelled something */
  escape?: () => boolean;
  canFinish?: () => boolean;
  finish?: () => void;
  zoom?: (kind: 'in' | 'out' | 'fit') => void;
}

export interface FieldProps<D, V> {
  def: D;
  value: V;
  data: Record<string, unknown>;
  mediaUrl: string | null;
  mediaSize: { width: number; height: number } | null;
  onChange: (value: V, coalesceKey?: string) => void;
  active: boolean;
  register: (ctrl: FieldController | null) => void;
}

/** A stable colour per label name. */
export function labelColor(label: string, options: readonly string[]): string {
  const palette = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#c2255c', '#5c940d', '#364fc7'];
  const i = options.indexOf(label);
  let h = 0;
  for (const ch of label) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return palette[(i >= 0 ? i : h) % palette.length] ?? '#1971c2';
}

export function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}
