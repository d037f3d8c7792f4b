import { describe, expect, it } from 'vitest';
import type { Manifest } from './api';
import { manifestFacts } from './manifest';

describe('manifest facts', () => {
  it('reads the manifest the snapshot writes', () => {
    const f = manifestFacts({
      manifest: {
        counts: { records: 4, by_source: { auto: 3, fix: 1 }, annotators: 2 },
        label_distribution: { sentiment: { type: 'choice', records: 4, values: { neg: 2, neu: 1, pos: 1 } }, note: { type: 'text', records: 0, values: {} } },
        model_versions: { 'tfidf-2': 3 },
        reviewers: [{ id: 9, username: 'expert', levels: [4], level: 4, decisions: { fix: 1, accept: 2 } }],
        agreement: { mean: 1, min: 1, records_with_agreement: 3 },
        schema_sha256: 'aa',
        guideline_sha256: 'bb',
      } as unknown as Manifest,
    });
    expect(f.bySource).toEqual({ auto: 3, fix: 1 });
    expect(f.labelDistribution).toEqual([['sentiment', { neg: 2, neu: 1, pos: 1 }]]);
    expect(f.modelVersions).toEqual(['tfidf-2']);
    expect(f.reviewers).toEqual([{ username: 'expert', level: 4, decisions: 3 }]);
    expect(f.agreement).toEqual({ mean: 1, min: 1 });
  });

  it('reads the keys in their simplest form too', () => {
    const f = manifestFacts({
      manifest: {
        counts: { records: 3, by_source: { auto: 2, fix: 1 } },
        label_distribution: { sentiment: { pos: 2, neg: 1 }, note: {} },
        schema_sha256: 'ab'.repeat(32),
        guideline_sha256: 'cd'.repeat(32),
        model_versions: ['tfidf-1'],
        reviewers: [{ username: 'expert', level: 4, decisions: 1 }],
        agreement: { mean: 0.9, min: 0.5 },
      },
    });
    expect(f.bySource).toEqual({ auto: 2, fix: 1 });
    expect(f.labelDistribution).toEqual([['sentiment', { pos: 2, neg: 1 }]]);
    expect(f.schemaSha).toBe('ab'.repeat(32));
    expect(f.guidelineSha).toBe('cd'.repeat(32));
    expect(f.modelVersions).toEqual(['tfidf-1']);
    expect(f.reviewers).toEqual([{ username: 'expert', level: 4, decisions: 1 }]);
    expect(f.agreement).toEqual({ mean: 0.9, min: 0.5 });
  });

  it('accepts nested variants: distributions under counts, reviewers keyed by name, schema digest nested', () => {
    const f = manifestFacts({
      manifest: {
        labels: { sentiment: { counts: { pos: 1 } } },
        reviewers: { expert: { level: 4, count: 2 }, senior: 3 },
        schema: { sha256: 'ff' },
        model_versions: [{ model_version: 'm1' }],
      } as unknown as Manifest,
    });
    expect(f.labelDistribution).toEqual([['sentiment', { pos: 1 }]]);
    expect(f.reviewers).toEqual([{ username: 'expert', level: 4, decisions: 2 }, { username: 'senior', level: 3, decisions: null }]);
    expect(f.schemaSha).toBe('ff');
    expect(f.modelVersions).toEqual(['m1']);
  });

  it('gives empty facts for an empty or missing manifest', () => {
    expect(manifestFacts({ manifest: null })).toEqual({
      schemaSha: null, guidelineSha: null, agreement: null, modelVersions: [], bySource: {}, reviewers: [], labelDistribution: [],
    });
  });
});
