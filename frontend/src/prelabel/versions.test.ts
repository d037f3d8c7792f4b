import { describe, expect, it } from 'vitest';
import { parseSchema } from '../core/schema';
import type { ModelVersion } from './api';
import { formatRate, heldOutText, learnableLabels, parseRetrainEvery, prelabelCounts, rateWithBase, retrainOutcome, sortVersions } from './versions';

function version(id: number, extra: Partial<ModelVersion> = {}): ModelVersion {
  return {
    id, version: `v${id}`, kind: 'zero_shot', is_active: false, labels: ['sentiment'], metrics: {}, created_at: '2026-01-01T00:00:00Z',
    suggestions_used: 0, acceptance_rate: null, labels_compared: 0, accuracy: null, ...extra,
  };
}

describe('rates', () => {
  it('reads as percentages, with a dash when nothing was measured', () => {
    expect(formatRate(0.5)).toBe('50%');
    expect(formatRate(0.1234)).toBe('12.3%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });

  it('says how many annotations a rate rests on', () => {
    expect(rateWithBase(0.5, 2)).toBe('50% (1/2)');
    expect(rateWithBase(2 / 3, 3)).toBe('66.7% (2/3)');
    expect(rateWithBase(null, 0)).toBe('—');
  });

  it('shows a retrained head against the version it replaced', () => {
    expect(heldOutText({ label: 'group', heldout_accuracy: 1, baseline_accuracy: 0.5, eval_size: 4 })).toBe('group: 100% vs 50% (n=4)');
    expect(heldOutText({ heldout_accuracy: 0.75 })).toBe('75%');
    expect(heldOutText({ source: '/models/x' })).toBe('—');
  });
});

describe('versions', () => {
  it('lists the active one first, then the newest', () => {
    const sorted = sortVersions([version(1), version(3), version(2, { is_active: true })]);
    expect(sorted.map((v) => v.id)).toEqual([2, 3, 1]);
  });
});

describe('job results', () => {
  it('tells a registered version from one that was not better', () => {
    expect(retrainOutcome({ registered: true, version: 'minilm-head-group-v2', prelabel_job: 9 })).toEqual({ kind: 'registered', version: 'minilm-head-group-v2', prelabelJob: 9 });
    expect(retrainOutcome({ registered: true, version: 'x', prelabel_job: null })).toEqual({ kind: 'registered', version: 'x', prelabelJob: null });
    expect(retrainOutcome({ registered: false, reason: 'Too few labels' })).toEqual({ kind: 'kept', reason: 'Too few labels' });
    expect(retrainOutcome(null)).toEqual({ kind: 'unknown' });
    expect(retrainOutcome({})).toEqual({ kind: 'unknown' });
  });

  it('counts what a pre-label job wrote, zero for what it did not say', () => {
    expect(prelabelCounts({ created: 5, skipped: 2, invalid: 1, model_version: 'v' })).toEqual({ created: 5, skipped: 2, invalid: 1 });
    expect(prelabelCounts({ created: 3 })).toEqual({ created: 3, skipped: 0, invalid: 0 });
    expect(prelabelCounts('oops')).toEqual({ created: 0, skipped: 0, invalid: 0 });
  });
});

describe('the flywheel setting', () => {
  it('takes a whole number from 1, and empty for off', () => {
    expect(parseRetrainEvery(' 50 ')).toEqual({ value: 50 });
    expect(parseRetrainEvery('')).toEqual({ value: null });
    expect(parseRetrainEvery('0')).toEqual({ error: 'range' });
    expect(parseRetrainEvery('1000001')).toEqual({ error: 'range' });
    expect(parseRetrainEvery('2.5')).toEqual({ error: 'whole' });
    expect(parseRetrainEvery('-3')).toEqual({ error: 'whole' });
    expect(parseRetrainEvery('ten')).toEqual({ error: 'whole' });
  });

  it('offers the choice and multi-choice labels to learn', () => {
    const schema = parseSchema({
      data: { text: 'text' },
      labels: {
        sentiment: { type: 'choice', options: ['pos', 'neg'] },
        topics: { type: 'multi_choice', options: ['a', 'b'] },
        entities: { type: 'spans', on: 'text', options: ['PER'] },
        note: { type: 'text' },
      },
    });
    expect(learnableLabels(schema)).toEqual(['sentiment', 'topics']);
  });
});
