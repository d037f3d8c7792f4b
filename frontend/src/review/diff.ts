// Differences between the annotators' results, per label, for the review
// workspace. Each result is cut into items (a choice value, one multi-choice
// option, a span, a box, a CoT step); an item is "shared" when every other
// result holds a matching one. A label differs when any item is not shared.
// Boxes and polygons match by label and overlap (IoU), not exact pixels.
import { polygonBounds, type Rect } from '../core/geometry';
import { cpSlice } from '../core/spans';
import type { LabelDef, LabelType, Result, Schema } from '../core/schema';

export const SHAPE_IOU = 0.5;

export interface DiffItem {
  /** equality key (exact kinds) */
  key: string;
  /** what the reviewer reads */
  text: string;
  /** present, matching, in every other result */
  shared: boolean;
  /** geometry for overlap matching (boxes, polygons) */
  rect?: Rect;
  /** polygon outline, for drawing */
  points?: [number, number][];
  label?: string;
}

export interface LabelDiff {
  label: string;
  type: LabelType;
  differs: boolean;
  /** one list per result, in the order given */
  sides: DiffItem[][];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function iou(a: Rect, b: Rect): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function plain(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A result's value for one label cut into items (without the shared flag yet). */
export function itemsOf(def: LabelDef, value: unknown, data: Record<string, unknown>): Omit<DiffItem, 'shared'>[] {
  if (value === null || value === undefined || value === '') return [];
  switch (def.type) {
    case 'choice':
    case 'rating':
    case 'text':
    case 'preference':
      return [{ key: plain(value), text: plain(value) }];
    case 'multi_choice':
      return Array.isArray(value) ? value.map((o) => ({ key: plain(o), text: plain(o) })) : [];
    case 'spans': {
      if (!Array.isArray(value)) return [];
      const text = typeof data[def.on] === 'string' ? (data[def.on] as string) : '';
      return value.filter(isObject).map((s) => {
        const start = num(s.start);
        const end = num(s.end);
        const label = plain(s.label ?? '');
        return { key: `${start}:${end}:${label}`, text: `${label} [${start}, ${end}) "${cpSlice(text, start, end)}"`, label };
      });
    }
    case 'boxes':
      if (!Array.isArray(value)) return [];
      return value.filter(isObject).map((b) => {
        const rect = { x: num(b.x), y: num(b.y), w: num(b.w), h: num(b.h) };
        const label = plain(b.label ?? '');
        return { key: `${label}:${rect.x},${rect.y},${rect.w},${rect.h}`, text: `${label} (${rect.x}, ${rect.y}, ${rect.w}×${rect.h})`, rect, label };
      });
    case 'polygons':
      if (!Array.isArray(value)) return [];
      return value.filter(isObject).map((p) => {
        const pts = Array.isArray(p.points) ? p.points.filter(Array.isArray).map((q) => ({ x: num(q[0]), y: num(q[1]) })) : [];
        const rect = pts.length > 0 ? polygonBounds(pts) : { x: 0, y: 0, w: 0, h: 0 };
        const label = plain(p.label ?? '');
        const points = pts.map((q): [number, number] => [q.x, q.y]);
        return { key: `${label}:${JSON.stringify(p.points)}`, text: `${label} (${pts.length} points)`, rect, points, label };
      });
    case 'chain_of_thought': {
      if (!isObject(value)) return [];
      const steps = Array.isArray(value.steps) ? value.steps.map(plain) : [];
      const items = steps.map((s, i) => ({ key: `step${i}:${s}`, text: `${i + 1}. ${s}` }));
      const answer = typeof value.answer === 'string' ? value.answer : '';
      if (answer !== '') items.push({ key: `answer:${answer}`, text: `→ ${answer}` });
      return items;
    }
  }
}

function matches(a: Omit<DiffItem, 'shared'>, b: Omit<DiffItem, 'shared'>): boolean {
  if (a.rect && b.rect) return a.label === b.label && iou(a.rect, b.rect) >= SHAPE_IOU;
  return a.key === b.key;
}

/** Per label: each result's items, marked shared or not, and whether the label differs. */
export function diffResults(schema: Schema, results: readonly Result[], data: Record<string, unknown> = {}): LabelDiff[] {
  return schema.labels.map((def) => {
    const raw = results.map((r) => itemsOf(def, r[def.name], data));
    const sides = raw.map((items, i) =>
      items.map((it) => ({ ...it, shared: raw.every((other, j) => j === i || other.some((o) => matches(it, o))) })),
    );
    const sizes = new Set(sides.map((s) => s.length));
    const differs = results.length > 1 && (sizes.size > 1 || sides.some((s) => s.some((it) => !it.shared)));
    return { label: def.name, type: def.type, differs, sides };
  });
}

/** Names of the labels on which the results differ. */
export function differingLabels(diffs: readonly LabelDiff[]): string[] {
  return diffs.filter((d) => d.differs).map((d) => d.label);
}
