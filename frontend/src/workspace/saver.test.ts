import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Annotation } from '../api/types';
import { AnnotationSaver, StaleError } from './saver';

type Call = { method: string; url: string; body: unknown };

function annotation(over: Partial<Annotation> = {}): Annotation {
  return { id: 7, task: 3, annotator: 1, result: {}, status: 'draft', version: 1, lead_time: 0, prediction: null, created_at: '', updated_at: '', ...over };
}

/** A fake server: each call gets the next scripted response. */
function serve(responses: { status: number; body: unknown }[]): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('document', { cookie: 'csrftoken=abc' });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const r = responses.shift() ?? { status: 500, body: {} };
    return new Response(r.status === 204 ? null : JSON.stringify(r.body), { status: r.status });
  });
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

const draft = { result: { sentiment: 'pos' }, status: 'draft' as const, lead_time: 3, prediction: null };

describe('annotation saver', () => {
  it('creates once, then patches with the version it last saw', async () => {
    const calls = serve([
      { status: 201, body: annotation({ version: 1, result: draft.result }) },
      { status: 200, body: annotation({ version: 2 }) },
    ]);
    const s = new AnnotationSaver(3, null);
    await s.save(draft);
    await s.save({ ...draft, status: 'submitted' });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/v1/tasks/3/annotations/', 'PATCH /api/v1/annotations/7/']);
    expect(calls[1]?.body).toMatchObject({ version: 1, status: 'submitted' });
    expect(s.version).toBe(2);
  });

  it('runs saves one after another, so a draft and a submit never both create', async () => {
    const calls = serve([
      { status: 201, body: annotation({ version: 1 }) },
      { status: 200, body: annotation({ version: 2 }) },
    ]);
    const s = new AnnotationSaver(3, null);
    await Promise.all([s.save(draft), s.save({ ...draft, status: 'submitted' })]);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'PATCH']);
  });

  it('reports a stale version with the server’s current version and keeps its own', async () => {
    serve([{ status: 409, body: { detail: 'Someone saved this annotation after you loaded it.', current_version: 5 } }]);
    const s = new AnnotationSaver(3, annotation({ version: 2 }));
    await expect(s.save(draft)).rejects.toEqual(new StaleError(5));
    expect(s.version).toBe(2);
    expect(s.isDirty(draft)).toBe(true);
  });

  it('treats "you already have one" as stale and learns that annotation’s version', async () => {
    serve([
      { status: 409, body: { detail: 'You already have an annotation on this task.', annotation_id: 9 } },
      { status: 200, body: annotation({ id: 9, version: 4 }) },
    ]);
    const s = new AnnotationSaver(3, null);
    const err = await s.save(draft).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleError);
    expect((err as StaleError).currentVersion).toBe(4);
    expect(s.annotationId).toBe(9);
  });

  it('passes other conflicts through with the server’s message', async () => {
    serve([{ status: 409, body: { detail: 'This task no longer takes annotations.', task_status: 'completed' } }]);
    const s = new AnnotationSaver(3, null);
    await expect(s.save(draft)).rejects.toMatchObject({ name: 'ApiError', message: 'This task no longer takes annotations.' });
  });

  it('does not count an untouched empty task as unsaved', () => {
    const s = new AnnotationSaver(3, null);
    expect(s.isDirty({ result: {}, status: 'draft' })).toBe(false);
    expect(s.isDirty({ result: { sentiment: 'neg' }, status: 'draft' })).toBe(true);
  });
});
