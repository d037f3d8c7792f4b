import { describe, expect, it } from 'vitest';
import { bars, dayNumber, extent, heatShade, linearScale, linePath, matrixMax, niceTicks } from './charts';

describe('linear scale', () => {
  it('maps the domain onto the range, inverted ranges included (SVG y grows downwards)', () => {
    const y = linearScale([0, 1], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(1)).toBe(0);
    expect(y(0.25)).toBe(75);
  });

  it('puts every value of a flat domain in the middle instead of dividing by zero', () => {
    const x = linearScale([5, 5], [0, 200]);
    expect(x(5)).toBe(100);
    expect(x(-3)).toBe(100);
  });
});

describe('extent', () => {
  it('ignores nulls and non-finite values', () => {
    expect(extent([0.5, null, 0.2, undefined, NaN, 0.9])).toEqual([0.2, 0.9]);
  });

  it('is null when nothing is left', () => {
    expect(extent([null, undefined])).toBeNull();
    expect(extent([])).toBeNull();
  });
});

describe('nice ticks', () => {
  it('uses round steps of 1, 2 or 5 that cover the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 100, 4)).toEqual([0, 50, 100]);
    expect(niceTicks(3, 97, 10)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('has no floating-point noise in the labels', () => {
    for (const t of niceTicks(0.1, 0.7, 6)) expect(String(t).length).toBeLessThanOrEqual(4);
  });

  it('gives one tick for a single value and accepts a reversed range', () => {
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(niceTicks(1, 0, 2)).toEqual([0, 0.5, 1]);
  });
});

describe('line path', () => {
  const x = linearScale([0, 2], [0, 100]);
  const y = linearScale([0, 1], [50, 0]);

  it('moves to the first point and draws lines to the next ones', () => {
    expect(linePath([{ x: 0, y: 0 }, { x: 1, y: 0.5 }, { x: 2, y: 1 }], x, y)).toBe('M0,50 L50,25 L100,0');
  });

  it('breaks the line at a missing value', () => {
    expect(linePath([{ x: 0, y: 1 }, { x: 1, y: null }, { x: 2, y: 1 }], x, y)).toBe('M0,0 M100,0');
  });

  it('is empty without data', () => {
    expect(linePath([], x, y)).toBe('');
  });
});

describe('bars', () => {
  it('scales lengths to the largest value and gives shares of the total', () => {
    const b = bars({ pos: 6, neg: 3, neu: 1 }, 200);
    expect(b.map((r) => r.label)).toEqual(['pos', 'neg', 'neu']);
    expect(b.map((r) => r.length)).toEqual([200, 100, expect.closeTo(33.333, 2)]);
    expect(b.map((r) => r.share)).toEqual([0.6, 0.3, 0.1]);
  });

  it('sorts by value then name when asked, and survives all zeros', () => {
    expect(bars({ b: 1, a: 1, c: 5 }, 10, { sort: true }).map((r) => r.label)).toEqual(['c', 'a', 'b']);
    expect(bars({ a: 0, b: 0 }, 10).map((r) => [r.length, r.share])).toEqual([[0, 0], [0, 0]]);
  });

  it('can share one maximum across charts', () => {
    expect(bars({ a: 5 }, 100, { max: 10 })[0]?.length).toBe(50);
  });
});

describe('heat-map shade', () => {
  it('is transparent for an empty cell and darkest for the largest', () => {
    expect(heatShade(0, 8).background).toBe('rgba(31, 95, 209, 0)');
    const top = heatShade(8, 8);
    expect(top.level).toBe(1);
    expect(top.background).toBe('rgba(31, 95, 209, 0.9)');
    expect(top.color).toBe('#fff');
  });

  it('keeps dark text on light cells', () => {
    expect(heatShade(2, 8).color).toBe('#1d2129');
  });

  it('finds the largest cell of a matrix', () => {
    expect(matrixMax([[8, 2], [2, 6]])).toBe(8);
    expect(matrixMax([])).toBe(0);
  });
});

describe('day numbers', () => {
  it('spaces days by real time, whatever the time of day in the string', () => {
    expect(dayNumber('2026-11-23') - dayNumber('2026-11-22T23:59:00Z')).toBe(86_400_000);
    expect(Number.isNaN(dayNumber('not a date'))).toBe(true);
  });
});
