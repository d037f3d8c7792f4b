// Saving an annotation: create once, then PATCH with the version we last saw.
// Saves are queued one after another so a draft autosave and a submit never
// race into two creates. A stale version (409) stops saving until the user
// decides; their work stays on screen.
import { ApiError } from '../api/client';
import { annotations } from '../api/endpoints';
import type { Annotation } from '../api/types';

export class StaleError extends Error {
  constructor(readonly currentVersion: number | null) {
    super('stale');
    this.name = 'StaleError';
  }
}

export interface SavePayload {
  result: Record<string, unknown>;
  status: 'draft' | 'submitted';
  lead_time: number;
  prediction: number | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : null;
}

export class AnnotationSaver {
  private chain: Promise<unknown> = Promise.resolve();
  annotationId: number | null;
  version: number | null;
  /** JSON of the last saved payload (result + status), to skip saves that change nothing */
  lastSaved: string | null = null;

  constructor(
    readonly taskId: number,
    existing: Annotation | null,
  ) {
    this.annotationId = existing?.id ?? null;
    this.version = existing?.version ?? null;
    // nothing typed yet counts as saved; a pre-filled suggestion does not
    this.lastSaved = JSON.stringify(existing ? { result: existing.result, status: existing.status } : { result: {}, status: 'draft' });
  }

  isDirty(p: Pick<SavePayload, 'result' | 'status'>): boolean {
    return JSON.stringify({ result: p.result, status: p.status }) !== this.lastSaved;
  }

  save(p: SavePayload, keepalive = false): Promise<Annotation> {
    const run = () => this.saveNow(p, keepalive);
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Overwrite the server's copy: take its version as ours and save again. */
  adopt(version: number): void {
    this.version = version;
  }

  private async saveNow(p: SavePayload, keepalive: boolean): Promise<Annotation> {
    const key = JSON.stringify({ result: p.result, status: p.status });
    try {
      let a: Annotation;
      if (this.annotationId === null) {
        a = await annotations.create(this.taskId, p, keepalive);
      } else {
        a = await annotations.update(this.annotationId, { result: p.result, status: p.status, lead_time: p.lead_time, version: this.version ?? 1 }, keepalive);
      }
      this.annotationId = a.id;
      this.version = a.version;
      this.lastSaved = key;
      return a;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && typeof e.body === 'object' && e.body !== null) {
        const body = e.body as Record<string, unknown>;
        const current = num(body.current_version);
        if (current !== null) throw new StaleError(current);
        const existing = num(body.annotation_id);
        if (existing !== null) {
          // we already have one on this task (another tab): learn its version, let the user decide
          this.annotationId = existing;
          const theirs = await annotations.get(existing).catch(() => null);
          throw new StaleError(theirs?.version ?? null);
        }
      }
      throw e;
    }
  }
}
