import { describe, expect, it } from 'vitest';
import {
  boxFromPoints,
  clipBox,
  fitViewport,
  hitBox,
  hitHandle,
  imageToScreen,
  moveBox,
  pointInPolygon,
  resizeBox,
  screenToImage,
  zoomAt,
} from './geometry';

const size = { width: 100, height: 80 };

describe('box geometry', () => {
  it('builds the same box whatever corner the drag starts from', () => {
    expect(boxFromPoints({ x: 30, y: 40 }, { x: 10, y: 20 })).toEqual({ x: 10, y: 20, w: 20, h: 20 });
  });

  it('clips a box that overflows the image', () => {
    expect(clipBox({ x: -10, y: 70, w: 30, h: 30 }, size)).toEqual({ x: 0, y: 70, w: 20, h: 10 });
  });

  it('keeps a moved box whole inside the image', () => {
    expect(moveBox({ x: 80, y: 10, w: 15, h: 10 }, 50, -50, size)).toEqual({ x: 85, y: 0, w: 15, h: 10 });
  });

  it('resizes from the south-east handle and leaves the opposite corner fixed', () => {
    expect(resizeBox({ x: 10, y: 10, w: 20, h: 20 }, 'se', 5, 10, size)).toEqual({ x: 10, y: 10, w: 25, h: 30 });
  });

  it('flips a box dragged past its opposite edge instead of giving a negative width', () => {
    expect(resizeBox({ x: 10, y: 10, w: 20, h: 20 }, 'w', 30, 0, size)).toEqual({ x: 30, y: 10, w: 10, h: 20 });
  });

  it('moves only the top edge with the north handle', () => {
    expect(resizeBox({ x: 10, y: 10, w: 20, h: 20 }, 'n', 7, -5, size)).toEqual({ x: 10, y: 5, w: 20, h: 25 });
  });

  it('finds the handle under the pointer within the tolerance', () => {
    const b = { x: 10, y: 10, w: 20, h: 20 };
    expect(hitHandle(b, { x: 31, y: 29 }, 2)).toBe('se');
    expect(hitHandle(b, { x: 20, y: 10.5 }, 2)).toBe('n');
    expect(hitHandle(b, { x: 20, y: 20 }, 2)).toBeNull();
  });

  it('picks the smallest box when boxes overlap', () => {
    const boxes = [
      { x: 0, y: 0, w: 50, h: 50 },
      { x: 10, y: 10, w: 5, h: 5 },
      { x: 0, y: 0, w: 40, h: 40 },
    ];
    expect(hitBox(boxes, { x: 12, y: 12 })).toBe(1);
    expect(hitBox(boxes, { x: 45, y: 45 })).toBe(0);
    expect(hitBox(boxes, { x: 60, y: 60 })).toBe(-1);
  });

  it('tells points inside a concave polygon from points in its notch', () => {
    const u = [
      { x: 0, y: 0 },
      { x: 30, y: 0 },
      { x: 30, y: 30 },
      { x: 20, y: 30 },
      { x: 20, y: 10 },
      { x: 10, y: 10 },
      { x: 10, y: 30 },
      { x: 0, y: 30 },
    ];
    expect(pointInPolygon(u, { x: 5, y: 20 })).toBe(true);
    expect(pointInPolygon(u, { x: 15, y: 20 })).toBe(false);
  });
});

describe('viewport', () => {
  it('round-trips between screen and image coordinates', () => {
    const v = { scale: 2.5, ox: 13, oy: -7 };
    const p = { x: 42, y: 17 };
    const back = screenToImage(v, imageToScreen(v, p));
    expect(back.x).toBeCloseTo(42);
    expect(back.y).toBeCloseTo(17);
  });

  it('keeps the point under the cursor fixed when zooming', () => {
    const v = { scale: 1, ox: 0, oy: 0 };
    const anchor = { x: 50, y: 40 };
    const before = screenToImage(v, anchor);
    const after = screenToImage(zoomAt(v, 2, anchor), anchor);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('fits a large image into the view, centred', () => {
    expect(fitViewport({ width: 2000, height: 1000 }, { width: 500, height: 500 })).toEqual({ scale: 0.25, ox: 0, oy: 125 });
  });
});
