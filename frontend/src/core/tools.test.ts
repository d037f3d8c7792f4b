import { describe, expect, it } from 'vitest';
import type { BoxValue, PolygonValue } from './schema';
import { click, drag, type PointerOp } from './testing';
import {
  BOX_IDLE,
  POLYGON_IDLE,
  boxPointerDown,
  boxPointerMove,
  boxPointerUp,
  polygonFinish,
  polygonPointerDown,
  polygonPointerMove,
  polygonPointerUp,
  type BoxToolState,
  type PolygonToolState,
  type ToolContext,
} from './tools';

const ctx: ToolContext = { size: { width: 200, height: 100 }, label: 'car', tolerance: 3 };

function runBoxes(ops: PointerOp[], boxes: BoxValue[] = [], selected = -1) {
  let state: BoxToolState = BOX_IDLE;
  let commits = 0;
  for (const { op, at } of ops) {
    const fn = op === 'down' ? boxPointerDown : op === 'move' ? boxPointerMove : boxPointerUp;
    const step = fn(state, boxes, selected, ctx, at);
    state = step.state;
    selected = step.selected;
    if (op === 'up' || step.commit) boxes = step.boxes;
    if (step.commit) commits++;
  }
  return { state, boxes, selected, commits };
}

describe('box tool', () => {
  it('draws a box with the current label and selects it', () => {
    const r = runBoxes(drag([10, 10], [60, 40]));
    expect(r.boxes).toEqual([{ x: 10, y: 10, w: 50, h: 30, label: 'car' }]);
    expect(r.selected).toBe(0);
    expect(r.commits).toBe(1);
    expect(r.state.mode).toBe('idle');
  });

  it('ignores a click that draws nothing', () => {
    const r = runBoxes(click([10, 10]));
    expect(r.boxes).toEqual([]);
    expect(r.commits).toBe(0);
  });

  it('clips a box drawn past the edge of the image', () => {
    const r = runBoxes(drag([150, 50], [250, 150]));
    expect(r.boxes[0]).toEqual({ x: 150, y: 50, w: 50, h: 50, label: 'car' });
  });

  it('moves a box dragged from inside, as one undo step', () => {
    const start = [{ x: 10, y: 10, w: 20, h: 20, label: 'person' }];
    const r = runBoxes(drag([15, 15], [35, 25]), start);
    expect(r.boxes).toEqual([{ x: 30, y: 20, w: 20, h: 20, label: 'person' }]);
    expect(r.commits).toBe(1);
  });

  it('resizes the selected box by its handle', () => {
    const start = [{ x: 10, y: 10, w: 20, h: 20, label: 'car' }];
    const r = runBoxes(drag([30, 30], [50, 45]), start, 0);
    expect(r.boxes).toEqual([{ x: 10, y: 10, w: 40, h: 35, label: 'car' }]);
  });

  it('selects a box with a click without changing it', () => {
    const start = [{ x: 10, y: 10, w: 20, h: 20, label: 'car' }];
    const r = runBoxes(click([20, 20]), start);
    expect(r.selected).toBe(0);
    expect(r.commits).toBe(0);
    expect(r.boxes).toEqual(start);
  });
});

function runPolygons(ops: PointerOp[], polygons: PolygonValue[] = [], selected = -1) {
  let state: PolygonToolState = POLYGON_IDLE;
  let commits = 0;
  for (const { op, at } of ops) {
    const fn = op === 'down' ? polygonPointerDown : op === 'move' ? polygonPointerMove : polygonPointerUp;
    const step = fn(state, polygons, selected, ctx, at);
    state = step.state;
    selected = step.selected;
    if (op !== 'move' || step.commit) polygons = step.polygons;
    if (step.commit) commits++;
  }
  return { state, polygons, selected, commits };
}

describe('polygon tool', () => {
  it('closes a polygon when the first point is clicked again', () => {
    const r = runPolygons([...click([10, 10]), ...click([50, 10]), ...click([50, 50]), ...click([11, 11])]);
    expect(r.polygons).toEqual([{ points: [[10, 10], [50, 10], [50, 50]], label: 'car' }]);
    expect(r.state.mode).toBe('idle');
    expect(r.commits).toBe(1);
  });

  it('finishes with Enter only once it has three points', () => {
    const two = runPolygons([...click([10, 10]), ...click([50, 10])]);
    expect(polygonFinish(two.state, [], ctx).polygons).toEqual([]);
    const three = runPolygons([...click([10, 10]), ...click([50, 10]), ...click([30, 40])]);
    expect(polygonFinish(three.state, [], ctx).polygons).toHaveLength(1);
  });

  it('drags one vertex of the selected polygon', () => {
    const start: PolygonValue[] = [{ points: [[10, 10], [50, 10], [50, 50]], label: 'lesion' }];
    const r = runPolygons(drag([50, 50], [60, 70]), start, 0);
    expect(r.polygons[0]?.points).toEqual([[10, 10], [50, 10], [60, 70]]);
    expect(r.commits).toBe(1);
  });

  it('moves a whole polygon dragged from inside', () => {
    const start: PolygonValue[] = [{ points: [[10, 10], [50, 10], [50, 50]], label: 'lesion' }];
    const r = runPolygons(drag([40, 20], [45, 25]), start);
    expect(r.polygons[0]?.points).toEqual([[15, 15], [55, 15], [55, 55]]);
  });
});
