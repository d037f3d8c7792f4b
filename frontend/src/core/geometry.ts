// Plain geometry for boxes and polygons in image pixel coordinates.
// No DOM, no React: the canvas component and the tool state machines use these.

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Size {
  width: number;
  height: number;
}

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';

export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** The box spanned by two corner points, whatever their order. */
export function boxFromPoints(a: Point, b: Point): Rect {
  return {
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    w: Math.abs(b.x - a.x),
    h: Math.abs(b.y - a.y),
  };
}

/** A box with non-negative width and height (flips a box dragged past its opposite edge). */
export function normalizeBox(box: Rect): Rect {
  return boxFromPoints({ x: box.x, y: box.y }, { x: box.x + box.w, y: box.y + box.h });
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** Clip a box to the image: the part outside is cut off. */
export function clipBox(box: Rect, size: Size): Rect {
  const b = normalizeBox(box);
  const x1 = clamp(b.x, 0, size.width);
  const y1 = clamp(b.y, 0, size.height);
  const x2 = clamp(b.x + b.w, 0, size.width);
  const y2 = clamp(b.y + b.h, 0, size.height);
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/** Move a box by (dx, dy), keeping it whole inside the image. */
export function moveBox(box: Rect, dx: number, dy: number, size: Size): Rect {
  const b = normalizeBox(box);
  return {
    x: clamp(b.x + dx, 0, Math.max(0, size.width - b.w)),
    y: clamp(b.y + dy, 0, Math.max(0, size.height - b.h)),
    w: b.w,
    h: b.h,
  };
}

/** Drag one handle of a box by (dx, dy); the opposite edge stays put. Result is normalized and clipped. */
export function resizeBox(box: Rect, handle: Handle, dx: number, dy: number, size: Size): Rect {
  const b = normalizeBox(box);
  let x1 = b.x;
  let y1 = b.y;
  let x2 = b.x + b.w;
  let y2 = b.y + b.h;
  if (handle.includes('w')) x1 += dx;
  if (handle.includes('e')) x2 += dx;
  if (handle.includes('n')) y1 += dy;
  if (handle.includes('s')) y2 += dy;
  return clipBox(boxFromPoints({ x: x1, y: y1 }, { x: x2, y: y2 }), size);
}

export function handlePosition(box: Rect, handle: Handle): Point {
  const b = normalizeBox(box);
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const x = handle.includes('w') ? b.x : handle.includes('e') ? b.x + b.w : cx;
  const y = handle.includes('n') ? b.y : handle.includes('s') ? b.y + b.h : cy;
  return { x, y };
}

/** The handle under a point, within `tolerance` image pixels, or null. */
export function hitHandle(box: Rect, p: Point, tolerance: number): Handle | null {
  for (const h of HANDLES) {
    const hp = handlePosition(box, h);
    if (Math.abs(hp.x - p.x) <= tolerance && Math.abs(hp.y - p.y) <= tolerance) return h;
  }
  return null;
}

export function pointInBox(box: Rect, p: Point): boolean {
  const b = normalizeBox(box);
  return p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h;
}

export function area(box: Rect): number {
  return Math.abs(box.w * box.h);
}

/** Index of the topmost (last drawn; smallest on ties) box under a point, or -1. */
export function hitBox(boxes: readonly Rect[], p: Point): number {
  let best = -1;
  for (let i = boxes.length - 1; i >= 0; i--) {
    const b = boxes[i];
    if (b && pointInBox(b, p)) {
      const current = best >= 0 ? boxes[best] : undefined;
      if (best < 0 || (current && area(b) < area(current))) best = i;
    }
  }
  return best;
}

/** Ray casting; points on the boundary may fall either way. */
export function pointInPolygon(points: readonly Point[], p: Point): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i];
    const b = points[j];
    if (!a || !b) continue;
    const crosses = a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x;
    if (crosses) inside = !inside;
  }
  return inside;
}

export function polygonBounds(points: readonly Point[]): Rect {
  if (points.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  const xs = points.map((q) => q.x);
  const ys = points.map((q) => q.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** Move all vertices by (dx, dy), keeping the polygon inside the image. */
export function movePolygon(points: readonly Point[], dx: number, dy: number, size: Size): Point[] {
  const b = polygonBounds(points);
  const moved = moveBox(b, dx, dy, size);
  const rx = moved.x - b.x;
  const ry = moved.y - b.y;
  return points.map((q) => ({ x: q.x + rx, y: q.y + ry }));
}

export function clampPoint(p: Point, size: Size): Point {
  return { x: clamp(p.x, 0, size.width), y: clamp(p.y, 0, size.height) };
}

/** Index of the vertex within `tolerance` of p, or -1. */
export function hitVertex(points: readonly Point[], p: Point, tolerance: number): number {
  for (let i = 0; i < points.length; i++) {
    const q = points[i];
    if (q && Math.hypot(q.x - p.x, q.y - p.y) <= tolerance) return i;
  }
  return -1;
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export function roundBox(b: Rect): Rect {
  return { x: round(b.x), y: round(b.y), w: round(b.w), h: round(b.h) };
}

// ---- viewport: zoom and pan -------------------------------------------------

/** screen = image * scale + offset */
export interface Viewport {
  scale: number;
  ox: number;
  oy: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 32;

export function screenToImage(v: Viewport, p: Point): Point {
  return { x: (p.x - v.ox) / v.scale, y: (p.y - v.oy) / v.scale };
}

export function imageToScreen(v: Viewport, p: Point): Point {
  return { x: p.x * v.scale + v.ox, y: p.y * v.scale + v.oy };
}

/** Zoom by `factor` keeping the image point under `anchor` (screen coordinates) fixed. */
export function zoomAt(v: Viewport, factor: number, anchor: Point): Viewport {
  const scale = clamp(v.scale * factor, MIN_SCALE, MAX_SCALE);
  const img = screenToImage(v, anchor);
  return { scale, ox: anchor.x - img.x * scale, oy: anchor.y - img.y * scale };
}

export function pan(v: Viewport, dx: number, dy: number): Viewport {
  return { scale: v.scale, ox: v.ox + dx, oy: v.oy + dy };
}

/** The viewport that shows the whole image centred in a view of the given size. */
export function fitViewport(image: Size, view: Size): Viewport {
  if (image.width <= 0 || image.height <= 0 || view.width <= 0 || view.height <= 0) {
    return { scale: 1, ox: 0, oy: 0 };
  }
  const scale = Math.min(view.width / image.width, view.height / image.height);
  return {
    scale,
    ox: (view.width - image.width * scale) / 2,
    oy: (view.height - image.height * scale) / 2,
  };
}
