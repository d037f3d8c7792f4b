import { describe, expect, it } from 'vitest';
import { exportUrl, isComputing } from './api';

describe('export links', () => {
  it('name the format and ask for unmasked data only when told to', () => {
    expect(exportUrl(7, 'jsonl')).toBe('/api/v1/releases/7/export/?format=jsonl');
    expect(exportUrl(7, 'label-studio', true)).toBe('/api/v1/releases/7/export/?format=label-studio&unmasked=1');
  });
});

describe('a report still being computed', () => {
  it('is recognised by its state and job, not mistaken for a report', () => {
    const job = { id: 3, kind: 'release_report', state: 'queued', progress_done: 0, progress_total: 0, error: '', result: {}, created_at: '', finished_at: null };
    expect(isComputing({ state: 'computing', job })).toBe(true);
    expect(isComputing({ structure: { summary: 'ok' } })).toBe(false);
    expect(isComputing({ state: 'computing' })).toBe(false);
    expect(isComputing(null)).toBe(false);
  });
});
