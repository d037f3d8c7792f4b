import { describe, expect, it } from 'vitest';
import { buildFilters } from './filters';

const ALL = ['auto', 'review', 'fix'] as const;

describe('release filters from the form', () => {
  it('filters nothing by default', () => {
    expect(buildFilters({ minAgreement: '', sources: ALL })).toEqual({ filters: {}, problems: {} });
  });

  it('sends a minimum agreement, with a decimal comma too', () => {
    expect(buildFilters({ minAgreement: ' 0.8 ', sources: ALL }).filters.min_agreement).toBe(0.8);
    expect(buildFilters({ minAgreement: '0,75', sources: ALL }).filters.min_agreement).toBe(0.75);
    expect(buildFilters({ minAgreement: '0', sources: ALL }).filters.min_agreement).toBe(0);
  });

  it('refuses an agreement that is not a number in [0, 1]', () => {
    expect(buildFilters({ minAgreement: 'high', sources: ALL }).problems).toEqual({ min_agreement: 'minAgreementNotNumber' });
    expect(buildFilters({ minAgreement: '80', sources: ALL }).problems).toEqual({ min_agreement: 'minAgreementRange' });
    expect(buildFilters({ minAgreement: '-0.1', sources: ALL }).filters.min_agreement).toBeUndefined();
  });

  it('sends the chosen sources in a fixed order, none means a problem', () => {
    expect(buildFilters({ minAgreement: '', sources: ['fix', 'auto'] }).filters.sources).toEqual(['auto', 'fix']);
    expect(buildFilters({ minAgreement: '', sources: [] }).problems).toEqual({ sources: 'noSource' });
  });
});
