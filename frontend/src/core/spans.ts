// Span offsets are character offsets (Unicode code points) of the stored text,
// as Python counts them. JavaScript strings index UTF-16 code units, which
// differ for astral-plane characters (emoji, rare CJK ideographs), so every
// conversion between the two goes through here.

export interface Span {
  start: number;
  end: number;
  label: string;
}

/** Number of code points in a string. */
export function cpLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** UTF-16 index -> code-point offset. An index inside a surrogate pair counts as after it. */
export function utf16ToCp(text: string, index: number): number {
  let cp = 0;
  let i = 0;
  while (i < index && i < text.length) {
    const code = text.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    cp++;
  }
  return cp;
}

/** Code-point offset -> UTF-16 index. */
export function cpToUtf16(text: string, cp: number): number {
  let i = 0;
  let n = 0;
  while (n < cp && i < text.length) {
    const code = text.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    n++;
  }
  return i;
}

/** The substring between two code-point offsets. */
export function cpSlice(text: string, start: number, end: number): string {
  return text.slice(cpToUtf16(text, start), cpToUtf16(text, end));
}

const SPACE = /\s/u;

/**
 * Turn a raw selection (code-point offsets, either order) into a span range:
 * ordered, clamped to the text and with surrounding whitespace trimmed.
 * Returns null when nothing but whitespace is selected.
 */
export function normalizeSelection(text: string, a: number, b: number): { start: number; end: number } | null {
  const chars = Array.from(text);
  let start = Math.max(0, Math.min(a, b));
  let end = Math.min(chars.length, Math.max(a, b));
  while (start < end && SPACE.test(chars[start] ?? '')) start++;
  while (end > start && SPACE.test(chars[end - 1] ?? '')) end--;
  return start < end ? { start, end } : null;
}

export function sortSpans(spans: readonly Span[]): Span[] {
  return [...spans].sort((x, y) => x.start - y.start || y.end - x.end || x.label.localeCompare(y.label));
}

/** Add a span unless an identical one exists. */
export function addSpan(spans: readonly Span[], span: Span): Span[] {
  if (spans.some((s) => s.start === span.start && s.end === span.end && s.label === span.label)) {
    return [...spans];
  }
  return sortSpans([...spans, span]);
}

export function removeSpan(spans: readonly Span[], index: number): Span[] {
  return spans.filter((_, i) => i !== index);
}

export interface Segment {
  start: number;
  end: number;
  text: string;
  /** indices into the spans array covering this segment */
  spans: number[];
}

/**
 * Cut the text at every span boundary. Each segment knows which spans cover
 * it, so overlapping and nested spans can be drawn (stacked underlines).
 */
export function segments(text: string, spans: readonly Span[]): Segment[] {
  const chars = Array.from(text);
  const cuts = new Set<number>([0, chars.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(chars.length, s.start)));
    cuts.add(Math.max(0, Math.min(chars.length, s.end)));
  }
  const points = [...cuts].sort((x, y) => x - y);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] ?? 0;
    const end = points[i + 1] ?? 0;
    if (end <= start) continue;
    const covering: number[] = [];
    spans.forEach((s, idx) => {
      if (s.start <= start && s.end >= end) covering.push(idx);
    });
    out.push({ start, end, text: chars.slice(start, end).join(''), spans: covering });
  }
  return out;
}

/**
 * A stacking row for each span so overlapping spans get distinct underline
 * levels (greedy interval colouring in start order).
 */
export function spanLevels(spans: readonly Span[]): number[] {
  const order = spans.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || b.s.end - a.s.end);
  const rowsEnd: number[] = [];
  const levels = new Array<number>(spans.length).fill(0);
  for (const { s, i } of order) {
    let row = rowsEnd.findIndex((end) => end <= s.start);
    if (row < 0) {
      row = rowsEnd.length;
      rowsEnd.push(s.end);
    } else {
      rowsEnd[row] = s.end;
    }
    levels[i] = row;
  }
  return levels;
}

/** Keyboard selection: a caret and an anchor in code points. */
export interface Caret {
  anchor: number;
  focus: number;
}

export function moveCaret(c: Caret, delta: number, extend: boolean, length: number): Caret {
  const focus = Math.max(0, Math.min(length, c.focus + delta));
  return { anchor: extend ? c.anchor : focus, focus };
}

/** Move by word: to the next/previous whitespace or CJK boundary (each CJK char is a word). */
export function wordBoundary(text: string, from: number, dir: 1 | -1): number {
  const chars = Array.from(text);
  const isWord = (ch: string | undefined): boolean => ch !== undefined && !SPACE.test(ch);
  const isCjk = (ch: string | undefined): boolean => ch !== undefined && /\p{Script=Han}/u.test(ch);
  let i = from;
  if (dir === 1) {
    if (isCjk(chars[i])) return Math.min(chars.length, i + 1);
    while (i < chars.length && !isWord(chars[i])) i++;
    if (isCjk(chars[i])) return i + 1;
    while (i < chars.length && isWord(chars[i]) && !isCjk(chars[i])) i++;
    return i;
  }
  if (isCjk(chars[i - 1])) return Math.max(0, i - 1);
  while (i > 0 && !isWord(chars[i - 1])) i--;
  if (isCjk(chars[i - 1])) return i - 1;
  while (i > 0 && isWord(chars[i - 1]) && !isCjk(chars[i - 1])) i--;
  return i;
}
