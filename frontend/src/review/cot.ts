// Step-by-step chain-of-thought review: the reviewer's verdict per step (with an
// optional comment or rewritten step) and on the answer, kept as plain data and
// turned into the `cot` part of a review decision.
import type { LabelDef, Schema } from '../core/schema';
import type { CotLabelVerdict, CotStepVerdict, Verdict } from './api';

export const VERDICTS: readonly Verdict[] = ['correct', 'incorrect', 'neutral'];

export interface StepDraft {
  verdict: Verdict | null;
  comment: string;
  rewrite: string;
}

export interface CotDraft {
  steps: StepDraft[];
  answer: { verdict: Verdict | null; comment: string };
}

export type CotDrafts = Record<string, CotDraft>;

export interface CotText {
  steps: string[];
  answer: string;
}

/** The steps and answer of a CoT value, whatever shape it arrived in. */
export function cotText(value: unknown): CotText {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { steps: [], answer: '' };
  const v = value as Record<string, unknown>;
  const steps = Array.isArray(v.steps) ? v.steps.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))) : [];
  return { steps, answer: typeof v.answer === 'string' ? v.answer : '' };
}

export function cotDraftFor(value: unknown): CotDraft {
  const { steps } = cotText(value);
  return { steps: steps.map(() => ({ verdict: null, comment: '', rewrite: '' })), answer: { verdict: null, comment: '' } };
}

export function cotLabels(schema: Schema): Extract<LabelDef, { type: 'chain_of_thought' }>[] {
  return schema.labels.filter((d): d is Extract<LabelDef, { type: 'chain_of_thought' }> => d.type === 'chain_of_thought');
}

/**
 * Fresh drafts for the CoT labels the result under review holds (the server
 * wants verdicts for exactly those, one per step of that result).
 */
export function cotDraftsFor(schema: Schema, result: Record<string, unknown> | null): CotDrafts {
  const out: CotDrafts = {};
  for (const def of cotLabels(schema)) {
    const v = result?.[def.name];
    if (v !== null && v !== undefined) out[def.name] = cotDraftFor(v);
  }
  return out;
}

export function setStep(d: CotDraft, index: number, patch: Partial<StepDraft>): CotDraft {
  if (index < 0 || index >= d.steps.length) return d;
  return { ...d, steps: d.steps.map((s, i) => (i === index ? { ...s, ...patch } : s)) };
}

export function setAnswer(d: CotDraft, patch: Partial<CotDraft['answer']>): CotDraft {
  return { ...d, answer: { ...d.answer, ...patch } };
}

/** Every step and the answer carry a verdict. */
export function cotComplete(d: CotDraft): boolean {
  return d.answer.verdict !== null && d.steps.every((s) => s.verdict !== null);
}

export function cotCounts(d: CotDraft): Record<Verdict | 'pending', number> {
  const counts = { correct: 0, incorrect: 0, neutral: 0, pending: 0 };
  for (const v of [...d.steps.map((s) => s.verdict), d.answer.verdict]) counts[v ?? 'pending'] += 1;
  return counts;
}

/** Some step carries a rewrite: the server turns an accept into a fix with the rewritten steps. */
export function cotHasRewrites(d: CotDraft): boolean {
  return d.steps.some((s) => s.rewrite.trim() !== '');
}

/** A wrong step or a wrong answer: accepting as is would be inconsistent. */
export function cotHasErrors(d: CotDraft): boolean {
  return d.answer.verdict === 'incorrect' || d.steps.some((s) => s.verdict === 'incorrect');
}

function trimmed(s: string): string | undefined {
  const t = s.trim();
  return t === '' ? undefined : t;
}

/**
 * The decision's `cot` payload, or the names of the labels still missing a
 * verdict. Empty comments and rewrites are left out; `rewrites: false` leaves
 * out every rewrite (a fix carries its own corrected result instead).
 */
export function cotPayload(drafts: CotDrafts, opts: { rewrites?: boolean } = {}): { cot: Record<string, CotLabelVerdict> } | { missing: string[] } {
  const missing = Object.entries(drafts)
    .filter(([, d]) => !cotComplete(d))
    .map(([name]) => name);
  if (missing.length > 0) return { missing };
  const cot: Record<string, CotLabelVerdict> = {};
  for (const [name, d] of Object.entries(drafts)) {
    cot[name] = {
      steps: d.steps.map((s) => {
        const step: CotStepVerdict = { verdict: s.verdict ?? 'neutral' };
        const comment = trimmed(s.comment);
        const rewrite = opts.rewrites === false ? undefined : trimmed(s.rewrite);
        if (comment) step.comment = comment;
        if (rewrite) step.rewrite = rewrite;
        return step;
      }),
      answer: { verdict: d.answer.verdict ?? 'neutral', ...(trimmed(d.answer.comment) ? { comment: trimmed(d.answer.comment) } : {}) },
    };
  }
  return { cot };
}
