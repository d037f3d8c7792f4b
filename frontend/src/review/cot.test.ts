import { describe, expect, it } from 'vitest';
import { parseSchema } from '../core/schema';
import { cotComplete, cotCounts, cotDraftFor, cotDraftsFor, cotHasErrors, cotHasRewrites, cotPayload, setAnswer, setStep } from './cot';

const value = { steps: ['x = 2', 'y = x + 1 = 4'], answer: '4' };

describe('chain-of-thought verdicts', () => {
  it('starts with one pending verdict per step and one for the answer', () => {
    const d = cotDraftFor(value);
    expect(d.steps).toHaveLength(2);
    expect(cotComplete(d)).toBe(false);
    expect(cotCounts(d)).toEqual({ correct: 0, incorrect: 0, neutral: 0, pending: 3 });
  });

  it('is complete only when every step and the answer are judged', () => {
    let d = cotDraftFor(value);
    d = setStep(d, 0, { verdict: 'correct' });
    d = setStep(d, 1, { verdict: 'incorrect', rewrite: 'y = x + 1 = 3' });
    expect(cotComplete(d)).toBe(false);
    d = setAnswer(d, { verdict: 'incorrect', comment: 'follows the wrong step' });
    expect(cotComplete(d)).toBe(true);
    expect(cotHasErrors(d)).toBe(true);
    expect(cotCounts(d)).toEqual({ correct: 1, incorrect: 2, neutral: 0, pending: 0 });
  });

  it('ignores a step index out of range and leaves the draft unchanged', () => {
    const d = cotDraftFor(value);
    expect(setStep(d, 5, { verdict: 'correct' })).toBe(d);
  });

  it('names the labels still missing verdicts instead of building a payload', () => {
    const schema = parseSchema({ labels: { reasoning: { type: 'chain_of_thought', on: 'q' }, proof: { type: 'chain_of_thought', on: 'q' } } });
    const drafts = cotDraftsFor(schema, { reasoning: value, proof: { steps: [], answer: 'yes' } });
    drafts.proof = setAnswer(drafts.proof!, { verdict: 'neutral' });
    expect(cotPayload(drafts)).toEqual({ missing: ['reasoning'] });
  });

  it('builds the decision payload, leaving out blank comments and rewrites', () => {
    let d = cotDraftFor(value);
    d = setStep(d, 0, { verdict: 'correct', comment: '  ' });
    d = setStep(d, 1, { verdict: 'incorrect', comment: ' off by one ', rewrite: 'y = 3' });
    d = setAnswer(d, { verdict: 'incorrect' });
    expect(cotPayload({ reasoning: d })).toEqual({
      cot: {
        reasoning: {
          steps: [{ verdict: 'correct' }, { verdict: 'incorrect', comment: 'off by one', rewrite: 'y = 3' }],
          answer: { verdict: 'incorrect' },
        },
      },
    });
  });

  it('treats a malformed value as a chain with no steps', () => {
    expect(cotDraftFor('not a chain').steps).toEqual([]);
    expect(cotDraftFor(null).answer.verdict).toBeNull();
  });
});

describe('which labels need verdicts', () => {
  const schema = parseSchema({ labels: { reasoning: { type: 'chain_of_thought', on: 'q' }, proof: { type: 'chain_of_thought', on: 'q' }, topic: { type: 'choice', options: ['a'] } } });

  it('asks only for the CoT labels the result under review holds', () => {
    expect(Object.keys(cotDraftsFor(schema, { reasoning: value, topic: 'a' }))).toEqual(['reasoning']);
    expect(cotDraftsFor(schema, null)).toEqual({});
  });

  it('drops rewrites from a fix, which carries its own corrected result', () => {
    let d = cotDraftFor(value);
    d = setStep(setStep(d, 0, { verdict: 'correct' }), 1, { verdict: 'incorrect', rewrite: 'y = 3' });
    d = setAnswer(d, { verdict: 'incorrect' });
    expect(cotHasRewrites(d)).toBe(true);
    const out = cotPayload({ reasoning: d }, { rewrites: false });
    expect('cot' in out && out.cot.reasoning?.steps[1]).toEqual({ verdict: 'incorrect' });
  });
});
