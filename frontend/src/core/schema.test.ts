import { describe, expect, it } from 'vitest';
import { SchemaError, missingRequired, parseSchema, resultFrom, serializeResult } from './schema';

const raw = {
  data: { text: 'text' },
  labels: {
    sentiment: { type: 'choice', options: ['pos', 'neg'], required: true },
    entities: { type: 'spans', on: 'text', options: ['PER'] },
    reasoning: { type: 'chain_of_thought', on: 'question' },
  },
};

describe('label model', () => {
  it('parses a schema into typed labels', () => {
    const s = parseSchema(raw);
    expect(s.labels.map((l) => l.type)).toEqual(['choice', 'spans', 'chain_of_thought']);
  });

  it('names the path of a malformed label', () => {
    expect(() => parseSchema({ labels: { x: { type: 'choice', options: [] } } })).toThrow(SchemaError);
    try {
      parseSchema({ labels: { x: { type: 'wat' } } });
    } catch (e) {
      expect((e as SchemaError).path).toBe('schema.labels.x.type');
    }
  });

  it('fills a result from a prediction and ignores unknown labels', () => {
    const s = parseSchema(raw);
    const r = resultFrom(s, { sentiment: 'neg', bogus: 1 });
    expect(r).toEqual({ sentiment: 'neg', entities: [], reasoning: { steps: [], answer: '' } });
  });

  it('reports required labels left empty and drops empty optional ones on save', () => {
    const s = parseSchema(raw);
    const r = resultFrom(s, { reasoning: { steps: ['a', ' '], answer: '2' } });
    expect(missingRequired(s, r)).toEqual(['sentiment']);
    expect(serializeResult(s, r)).toEqual({ reasoning: { steps: ['a'], answer: '2' } });
  });
});
