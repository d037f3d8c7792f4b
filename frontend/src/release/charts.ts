// The geometry of the small SVG charts, apart from React so it can be tested: linear scales,
// "nice" axis ticks, line paths with gaps, bar lengths and heat-map shades.

export type Scale = (v: number) => number;

/** Map [d0, d1] onto [r0, r1]. A flat domain (one distinct value) maps to the middle of the range. */
export function linearScale([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): Scale {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** The smallest and largest finite value, or null when there is none. */
export function extent(values: readonly (number | null | undefined)[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Round steps of 1, 2 or 5 × 10^k that cover [lo, hi] with about `count` intervals. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.ceil(lo / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) {
    // Multiplying back avoids 0.30000000000000004-style drift in the labels.
    ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
  }
  return ticks;
}

export interface Point {
  x: number;
  y: number | null;
}

/** An SVG path through the points in order; a null y breaks the line (no data that day). */
export function linePath(points: readonly Point[], x: Scale, y: Scale): string {
  const parts: string[] = [];
  let pen = false;
  for (const p of points) {
    if (p.y === null || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${round(x(p.x))},${round(y(p.y))}`);
    pen = true;
  }
  return parts.join(' ');
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

export interface Bar {
  label: string;
  value: number;
  /** length in the chart's units, 0..width */
  length: number;
  /** share of the total, 0..1 (0 when the total is 0) */
  share: number;
}

/** Horizontal bars scaled to the largest value (or `max` when given), largest first when `sort`. */
export function bars(counts: Readonly<Record<string, number>>, width: number, opts: { sort?: boolean; max?: number } = {}): Bar[] {
  const entries = Object.entries(counts).filter(([, v]) => Number.isFinite(v));
  if (opts.sort) entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((s, [, v]) => s + Math.max(0, v), 0);
  const max = opts.max ?? Math.max(0, ...entries.map(([, v]) => v));
  return entries.map(([label, value]) => ({
    label,
    value,
    length: max > 0 ? (Math.max(0, value) / max) * width : 0,
    share: total > 0 ? Math.max(0, value) / total : 0,
  }));
}

/** The largest cell of a matrix (0 for an empty one). */
export function matrixMax(matrix: readonly (readonly number[])[]): number {
  let m = 0;
  for (const row of matrix) for (const v of row) if (v > m) m = v;
  return m;
}

/**
 * The shade of a heat-map cell: the accent colour with an opacity that grows with the value, and a
 * text colour that stays readable on it (white once the background is dark enough).
 */
export function heatShade(value: number, max: number): { background: string; color: string; level: number } {
  const level = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const alpha = Math.round((0.06 + 0.84 * level) * 100) / 100;
  return { background: `rgba(31, 95, 209, ${value > 0 ? alpha : 0})`, color: level > 0.55 ? '#fff' : '#1d2129', level };
}

/** Days as numbers (ms since the epoch, UTC) so the time axis spaces them by real time. */
export function dayNumber(date: string): number {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(t) ? t : NaN;
}

/** "pos 6, neg 3" — what a screen reader says for a distribution: largest first, at most `n` values. */
export function spokenSummary(counts: Readonly<Record<string, number>>, n = 8): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
