import { describe, expect, it } from 'vitest';
import { parseSchema } from '../core/schema';
import { differingLabels, diffResults, iou } from './diff';

const schema = parseSchema({
  data: { text: 'text', image: 'image' },
  labels: {
    sentiment: { type: 'choice', options: ['pos', 'neg'] },
    topics: { type: 'multi_choice', options: ['a', 'b', 'c'] },
    entities: { type: 'spans', on: 'text', options: ['PER', 'ORG'] },
    objects: { type: 'boxes', on: 'image', options: ['car', 'person'] },
    quality: { type: 'rating', min: 1, max: 5 },
    reasoning: { type: 'chain_of_thought', on: 'question' },
  },
});

const byLabel = (r: ReturnType<typeof diffResults>, label: string) => {
  const d = r.find((x) => x.label === label);
  if (!d) throw new Error(label);
  return d;
};

describe('differences between annotators', () => {
  it('marks a choice that differs on both sides and leaves equal labels alone', () => {
    const r = diffResults(schema, [
      { sentiment: 'pos', quality: 4 },
      { sentiment: 'neg', quality: 4 },
    ]);
    const s = byLabel(r, 'sentiment');
    expect(s.differs).toBe(true);
    expect(s.sides.map((side) => side.map((i) => [i.text, i.shared]))).toEqual([[['pos', false]], [['neg', false]]]);
    expect(byLabel(r, 'quality').differs).toBe(false);
    expect(differingLabels(r)).toEqual(['sentiment']);
  });

  it('counts a value given by one annotator and left empty by the other as a difference', () => {
    const r = diffResults(schema, [{ sentiment: 'pos' }, {}]);
    const s = byLabel(r, 'sentiment');
    expect(s.differs).toBe(true);
    expect(s.sides[0]?.[0]?.shared).toBe(false);
    expect(s.sides[1]).toEqual([]);
  });

  it('highlights only the multi-choice options and spans not in every result', () => {
    const text = '北京智标 in Beijing';
    const r = diffResults(
      schema,
      [
        { topics: ['a', 'b'], entities: [{ start: 0, end: 4, label: 'ORG' }, { start: 8, end: 15, label: 'PER' }] },
        { topics: ['a'], entities: [{ start: 0, end: 4, label: 'ORG' }] },
      ],
      { text },
    );
    const topics = byLabel(r, 'topics');
    expect(topics.sides[0]?.map((i) => [i.key, i.shared])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    const ents = byLabel(r, 'entities');
    expect(ents.differs).toBe(true);
    expect(ents.sides[0]?.map((i) => i.shared)).toEqual([true, false]);
    expect(ents.sides[0]?.[0]?.text).toContain('"北京智标"');
    expect(ents.sides[1]?.map((i) => i.shared)).toEqual([true]);
  });

  it('matches boxes by label and overlap, not exact pixels', () => {
    const r = diffResults(schema, [
      { objects: [{ x: 10, y: 10, w: 100, h: 50, label: 'car' }, { x: 300, y: 300, w: 20, h: 20, label: 'person' }] },
      { objects: [{ x: 12, y: 11, w: 98, h: 50, label: 'car' }, { x: 300, y: 300, w: 20, h: 20, label: 'car' }] },
    ]);
    const o = byLabel(r, 'objects');
    expect(o.sides.map((s) => s.map((i) => i.shared))).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(o.differs).toBe(true);
  });

  it('compares chain-of-thought step by step and the answer', () => {
    const r = diffResults(schema, [
      { reasoning: { steps: ['2 + 2 = 4', 'so 4'], answer: '4' } },
      { reasoning: { steps: ['2 + 2 = 5', 'so 4'], answer: '4' } },
    ]);
    const c = byLabel(r, 'reasoning');
    expect(c.sides[0]?.map((i) => i.shared)).toEqual([false, true, true]);
    expect(c.differs).toBe(true);
  });

  it('finds no difference with a single annotation', () => {
    expect(differingLabels(diffResults(schema, [{ sentiment: 'pos' }]))).toEqual([]);
  });

  it('computes intersection over union', () => {
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, w: 10, h: 10 })).toBe(1);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 20, w: 5, h: 5 })).toBe(0);
  });
});

describe('differences on shapes and single values', () => {
  const shapes = parseSchema({
    data: { image: 'image' },
    labels: { lesion: { type: 'polygons', on: 'image', options: ['lesion'] }, note: { type: 'text' }, better: { type: 'preference', between: ['a', 'b'] } },
  });

  it('matches polygons by label and the overlap of their bounds', () => {
    const square = (x: number) => ({ points: [[x, 0], [x + 10, 0], [x + 10, 10], [x, 10]], label: 'lesion' });
    const near = diffResults(shapes, [{ lesion: [square(0)] }, { lesion: [square(1)] }]);
    expect(near.find((d) => d.label === 'lesion')?.differs).toBe(false);
    const far = diffResults(shapes, [{ lesion: [square(0)] }, { lesion: [square(8)] }]);
    expect(far.find((d) => d.label === 'lesion')?.differs).toBe(true);
  });

  it('compares text and preference values exactly', () => {
    const r = diffResults(shapes, [
      { note: '肿块', better: 'a' },
      { note: '肿块 ', better: 'a' },
    ]);
    expect(differingLabels(r)).toEqual(['note']);
  });
});
