// Drawing tools as small state machines (idle -> drawing -> idle, idle ->
// moving -> idle, ...). They take pointer positions in image pixels and return
// the next state plus the shapes; `commit` says a finished edit should become
// one undo step. No DOM: the canvas feeds them and tests drive them headless.

import {
  boxFromPoints,
  clampPoint,
  hitBox,
  hitHandle,
  hitVertex,
  moveBox,
  movePolygon,
  pointInPolygon,
  resizeBox,
  roundBox,
  round,
  type Handle,
  type Point,
  type Size,
} from './geometry';
import type { BoxValue, PolygonValue } from './schema';

export const MIN_BOX_SIZE = 2;

export interface ToolContext {
  size: Size;
  /** label for new shapes */
  label: string;
  /** hit tolerance in image pixels (handle size / zoom) */
  tolerance: number;
}

// ---- boxes --------------------------------------------------------------------

export type BoxToolState =
  | { mode: 'idle' }
  | { mode: 'drawing'; start: Point; current: Point }
  | { mode: 'moving'; index: number; origin: Point; startBox: BoxValue; moved: boolean }
  | { mode: 'resizing'; index: number; handle: Handle; origin: Point; startBox: BoxValue; moved: boolean };

export interface BoxStep {
  state: BoxToolState;
  boxes: BoxValue[];
  selected: number;
  commit: boolean;
}

export const BOX_IDLE: BoxToolState = { mode: 'idle' };

export function boxPointerDown(
  state: BoxToolState,
  boxes: readonly BoxValue[],
  selected: number,
  ctx: ToolContext,
  raw: Point,
): BoxStep {
  const p = clampPoint(raw, ctx.size);
  const list = [...boxes];
  if (state.mode !== 'idle') return { state, boxes: list, selected, commit: false };
  const sel = selected >= 0 ? boxes[selected] : undefined;
  if (sel) {
    const handle = hitHandle(sel, p, ctx.tolerance);
    if (handle) {
      return { state: { mode: 'resizing', index: selected, handle, origin: p, startBox: sel, moved: false }, boxes: list, selected, commit: false };
    }
  }
  const hit = hitBox(boxes, p);
  const hitShape = hit >= 0 ? boxes[hit] : undefined;
  if (hitShape) {
    return { state: { mode: 'moving', index: hit, origin: p, startBox: hitShape, moved: false }, boxes: list, selected: hit, commit: false };
  }
  return { state: { mode: 'drawing', start: p, current: p }, boxes: list, selected: -1, commit: false };
}

export function boxPointerMove(
  state: BoxToolState,
  boxes: readonly BoxValue[],
  selected: number,
  ctx: ToolContext,
  raw: Point,
): BoxStep {
  const p = clampPoint(raw, ctx.size);
  const list = [...boxes];
  switch (state.mode) {
    case 'idle':
      return { state, boxes: list, selected, commit: false };
    case 'drawing':
      return { state: { ...state, current: p }, boxes: list, selected, commit: false };
    case 'moving': {
      const b = moveBox(state.startBox, p.x - state.origin.x, p.y - state.origin.y, ctx.size);
      list[state.index] = { ...roundBox(b), label: state.startBox.label };
      return { state: { ...state, moved: true }, boxes: list, selected, commit: false };
    }
    case 'resizing': {
      const b = resizeBox(state.startBox, state.handle, p.x - state.origin.x, p.y - state.origin.y, ctx.size);
      list[state.index] = { ...roundBox(b), label: state.startBox.label };
      return { state: { ...state, moved: true }, boxes: list, selected, commit: false };
    }
  }
}

export function boxPointerUp(
  state: BoxToolState,
  boxes: readonly BoxValue[],
  selected: number,
  ctx: ToolContext,
  raw: Point,
): BoxStep {
  const moved = boxPointerMove(state, boxes, selected, ctx, raw);
  switch (state.mode) {
    case 'idle':
      return { state: BOX_IDLE, boxes: [...boxes], selected, commit: false };
    case 'drawing': {
      const p = clampPoint(raw, ctx.size);
      const b = roundBox(boxFromPoints(state.start, p));
      if (b.w < MIN_BOX_SIZE || b.h < MIN_BOX_SIZE || ctx.label === '') {
        return { state: BOX_IDLE, boxes: [...boxes], selected: -1, commit: false };
      }
      const list = [...boxes, { ...b, label: ctx.label }];
      return { state: BOX_IDLE, boxes: list, selected: list.length - 1, commit: true };
    }
    case 'moving':
    case 'resizing': {
      const after = moved.boxes[state.index];
      const before = state.startBox;
      const changed = after !== undefined && (after.x !== before.x || after.y !== before.y || after.w !== before.w || after.h !== before.h);
      return { state: BOX_IDLE, boxes: changed ? moved.boxes : [...boxes], selected: state.index, commit: changed };
    }
  }
}

/** The box being drawn, for rendering. */
export function draftBox(state: BoxToolState): { x: number; y: number; w: number; h: number } | null {
  return state.mode === 'drawing' ? roundBox(boxFromPoints(state.start, state.current)) : null;
}

/** Keyboard nudge of the selected box. */
export function nudgeBox(boxes: readonly BoxValue[], index: number, dx: number, dy: number, size: Size): BoxValue[] {
  const list = [...boxes];
  const b = list[index];
  if (b) list[index] = { ...roundBox(moveBox(b, dx, dy, size)), label: b.label };
  return list;
}

// ---- polygons ---------------------------------------------------------------------

export type PolygonToolState =
  | { mode: 'idle' }
  | { mode: 'drawing'; points: Point[]; cursor: Point }
  | { mode: 'moving'; index: number; origin: Point; start: Point[]; moved: boolean }
  | { mode: 'vertex'; index: number; vertex: number; moved: boolean };

export interface PolygonStep {
  state: PolygonToolState;
  polygons: PolygonValue[];
  selected: number;
  commit: boolean;
}

export const POLYGON_IDLE: PolygonToolState = { mode: 'idle' };

export function toPoints(p: PolygonValue): Point[] {
  return p.points.map(([x, y]) => ({ x, y }));
}

function fromPoints(points: readonly Point[], label: string): PolygonValue {
  return { points: points.map((q) => [round(q.x), round(q.y)] as [number, number]), label };
}

function hitPolygon(polygons: readonly PolygonValue[], p: Point): number {
  for (let i = polygons.length - 1; i >= 0; i--) {
    const poly = polygons[i];
    if (poly && pointInPolygon(toPoints(poly), p)) return i;
  }
  return -1;
}

export function polygonPointerDown(
  state: PolygonToolState,
  polygons: readonly PolygonValue[],
  selected: number,
  ctx: ToolContext,
  raw: Point,
): PolygonStep {
  const p = clampPoint(raw, ctx.size);
  const list = [...polygons];
  if (state.mode === 'drawing') {
    const first = state.points[0];
    if (first && state.points.length >= 3 && Math.hypot(first.x - p.x, first.y - p.y) <= ctx.tolerance) {
      return polygonFinish(state, polygons, ctx);
    }
    return { state: { mode: 'drawing', points: [...state.points, p], cursor: p }, polygons: list, selected, commit: false };
  }
  if (state.mode !== 'idle') return { state, polygons: list, selected, commit: false };
  const sel = selected >= 0 ? polygons[selected] : undefined;
  if (sel) {
    const v = hitVertex(toPoints(sel), p, ctx.tolerance);
    if (v >= 0) return { state: { mode: 'vertex', index: selected, vertex: v, moved: false }, polygons: list, selected, commit: false };
  }
  const hit = hitPolygon(polygons, p);
  const hitShape = hit >= 0 ? polygons[hit] : undefined;
  if (hitShape) {
    return { state: { mode: 'moving', index: hit, origin: p, start: toPoints(hitShape), moved: false }, polygons: list, selected: hit, commit: false };
  }
  return { state: { mode: 'drawing', points: [p], cursor: p }, polygons: list, selected: -1, commit: false };
}

export function polygonPointerMove(
  state: PolygonToolState,
  polygons: readonly PolygonValue[],
  selected: number,
  ctx: ToolContext,
  raw: Point,
): PolygonStep {
  const p = clampPoint(raw, ctx.size);
  const list = [...polygons];
  switch (state.mode) {
    case 'idle':
      return { state, polygons: list, selected, commit: false };
    case 'drawing':
      return { state: { ...state, cursor: p }, polygons: list, selected, commit: false };
    case 'moving': {
      const poly = list[state.index];
      if (poly) list[state.index] = fromPoints(movePolygon(state.start, p.x - state.origin.x, p.y - state.origin.y, ctx.size), poly.label);
      return { state: { ...state, moved: true }, polygons: list, selected, commit: false };
    }
    case 'vertex': {
      const poly = list[state.index];
      if (poly) {
        const pts = toPoints(poly);
        pts[state.vertex] = p;
        list[state.index] = fromPoints(pts, poly.label);
      }
      return { state: { ...state, moved: true }, polygons: list, selected, commit: false };
    }
  }
}

export function polygonPointerUp(
  state: PolygonToolState,
  polygons: readonly PolygonValue[],
  selected: number,
  ctx: ToolContext,
  raw: Point,
): PolygonStep {
  if (state.mode === 'drawing' || state.mode === 'idle') {
    return { state, polygons: [...polygons], selected, commit: false };
  }
  const step = polygonPointerMove(state, polygons, selected, ctx, raw);
  const moved = 'moved' in step.state && step.state.moved;
  return { state: POLYGON_IDLE, polygons: step.polygons, selected: state.index, commit: moved };
}

/** Close the polygon being drawn (Enter, or a click on its first point). */
export function polygonFinish(state: PolygonToolState, polygons: readonly PolygonValue[], ctx: ToolContext): PolygonStep {
  if (state.mode !== 'drawing' || state.points.length < 3 || ctx.label === '') {
    return { state: POLYGON_IDLE, polygons: [...polygons], selected: -1, commit: false };
  }
  const list = [...polygons, fromPoints(state.points, ctx.label)];
  return { state: POLYGON_IDLE, polygons: list, selected: list.length - 1, commit: true };
}

/** Remove the last point while drawing. */
export function polygonUndoPoint(state: PolygonToolState): PolygonToolState {
  if (state.mode !== 'drawing') return state;
  const points = state.points.slice(0, -1);
  return points.length === 0 ? POLYGON_IDLE : { ...state, points };
}
