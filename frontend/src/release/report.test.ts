import { describe, expect, it } from 'vitest';
import { criterionView } from './report';

describe('a quality-report criterion as the page shows it', () => {
  it('keeps the summary apart and lists scalar metrics by path, rates as percentages', () => {
    const v = criterionView({
      summary: '4 of 4 accepted results are valid.',
      records: 4,
      schema_valid_rate: 1,
      duplicates: { exact: 1, rate: 0.25, method: 'blake2b' },
    });
    expect(v.summary).toEqual(['4 of 4 accepted results are valid.']);
    expect(v.rows).toEqual([
      { path: ['records'], value: 4, percent: false },
      { path: ['schema_valid_rate'], value: 1, percent: true },
      { path: ['duplicates', 'exact'], value: 1, percent: false },
      { path: ['duplicates', 'rate'], value: 0.25, percent: true },
      { path: ['duplicates', 'method'], value: 'blake2b', percent: false },
    ]);
  });

  it('finds label distributions with their entropy wherever they are nested', () => {
    const v = criterionView({
      labels: {
        sentiment: { type: 'choice', counts: { pos: 3, neg: 1 }, total: 4, entropy_bits: 0.811, normalized_entropy: 0.811 },
        note: { type: 'text', entropy_bits: null, note: 'free text has no categories to count' },
      },
    });
    expect(v.distributions).toEqual([{ path: ['labels', 'sentiment'], counts: { pos: 3, neg: 1 }, entropyBits: 0.811, normalizedEntropy: 0.811 }]);
    expect(v.notes).toEqual(['labels › note: free text has no categories to count']);
    expect(v.rows.map((r) => r.path.join('.'))).toContain('labels.sentiment.total');
  });

  it('finds learning curves and plots them against the training size', () => {
    const v = criterionView({
      labels: {
        sentiment: {
          accuracy: 0.9,
          learning_curve: [
            { fraction: 0.1, train_size: 8, accuracy: 0.5 },
            { fraction: 1, train_size: 80, accuracy: 0.9 },
          ],
        },
      },
    });
    expect(v.curves).toEqual([
      {
        path: ['labels', 'sentiment'],
        points: [
          { x: 8, y: 0.5, fraction: 0.1, trainSize: 8 },
          { x: 80, y: 0.9, fraction: 1, trainSize: 80 },
        ],
      },
    ]);
    expect(v.rows).toEqual([{ path: ['labels', 'sentiment', 'accuracy'], value: 0.9, percent: true }]);
  });

  it('shows agreements as percentages', () => {
    expect(criterionView({ agreement: { mean_agreement: 0.75, reports: 4 } }).rows).toEqual([
      { path: ['agreement', 'mean_agreement'], value: 0.75, percent: true },
      { path: ['agreement', 'reports'], value: 4, percent: false },
    ]);
  });

  it('ignores an empty curve and says why the probe did not run', () => {
    const v = criterionView({ accuracy: null, learning_curve: [], reason: 'too few records' });
    expect(v.curves).toEqual([]);
    expect(v.notes).toEqual(['too few records']);
    expect(v.rows).toEqual([{ path: ['accuracy'], value: null, percent: false }]);
  });

  it('joins lists of scalars and leaves lists of objects to the raw JSON', () => {
    const v = criterionView({ sampled_from: ['a', 'b'], errors: [{ path: 'x', count: 1 }] });
    expect(v.rows).toEqual([{ path: ['sampled_from'], value: 'a, b', percent: false }]);
  });

  it('copes with a criterion that is missing or not an object', () => {
    expect(criterionView(undefined)).toEqual({ summary: [], rows: [], distributions: [], curves: [], notes: [] });
    expect(criterionView({ summary: ['one', 2, 'two'] }).summary).toEqual(['one', 'two']);
  });
});
