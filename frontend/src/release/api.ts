// Typed endpoints of the release area (docs/release.md) and of a project's quality view
// (docs/review.md). Shapes that other helpers are still extending are typed loosely (optional
// fields, unknown extras) so a new key never breaks a page.
import { api } from '../api/client';
import type { Job, Page } from '../api/types';

const V1 = '/api/v1';

export type ReleaseState = 'building' | 'ready' | 'failed';

export interface ReleaseFormat {
  name: string;
  description: string;
  extension: string;
}

export interface UserRef {
  id: number;
  username: string;
}

/** The manifest is written by the snapshot; known keys are typed, the rest is shown as-is. */
export interface Manifest {
  counts?: { records?: number; by_source?: Record<string, number> } & Record<string, unknown>;
  label_distribution?: Record<string, Record<string, number>>;
  schema_sha256?: string;
  guideline_sha256?: string;
  model_versions?: string[] | Record<string, number>;
  reviewers?: { username: string; level?: number | null; decisions?: number | Record<string, number> }[];
  agreement?: { mean?: number | null; min?: number | null } & Record<string, unknown>;
  merkle_root?: string;
  audit_head?: string | null;
  [key: string]: unknown;
}

export interface Release {
  id: number;
  project: number;
  version: number;
  name: string;
  note: string;
  state: ReleaseState;
  created_by: UserRef | number | null;
  created_at: string;
  record_count: number;
  manifest: Manifest | null;
  merkle_root: string;
  audit_head: string | null;
  formats: ReleaseFormat[];
  job?: number | null;
  filters?: ReleaseFilters;
  error?: string;
  finished_at?: string | null;
}

export type Source = 'auto' | 'review' | 'fix';
export const SOURCES: readonly Source[] = ['auto', 'review', 'fix'];

export interface ReleaseFilters {
  statuses?: string[];
  sources?: Source[];
  min_agreement?: number;
  task_ids?: number[];
}

export interface ReleaseInput {
  name?: string;
  note?: string;
  filters?: ReleaseFilters;
}

export interface ReleaseDiff {
  added: string[];
  removed: string[];
  changed: string[];
  counts: Record<string, number>;
  /** the key lists stop at the server's limit; the counts are complete */
  truncated?: boolean;
}

/** One criterion of the quality report: a summary and whatever metrics it measured. */
export interface Criterion {
  summary?: string | string[] | null;
  [key: string]: unknown;
}

export interface QualityReport {
  computed_at?: string;
  guidance?: string;
  /** embedding figures and the probe run on a seeded sample of at most a few thousand records */
  sample?: { size: number; of: number; sampled: boolean; seed?: number; note?: string };
  encoder?: { source: string; version?: string; dim?: number } | null;
  structure?: Criterion;
  diversity?: Criterion;
  accuracy?: Criterion;
  adaptability?: Criterion;
  [key: string]: unknown;
}

export interface LedgerRow {
  annotator: UserRef;
  /** records credited to them as an annotator */
  accepted: number;
  /** records credited to them as the reviewer who fixed them */
  fixed?: number;
  credit_units?: number;
  weighted_share: number;
  /** null while the project has no price per token */
  value: string | number | null;
}

export interface ValueStatement {
  tokens: { text_tokens: number; images: number; audio_seconds: number; billable_units?: number; tokenizer: string };
  price_per_token: string | number | null;
  value: string | number | null;
  currency: string;
  ledger: LedgerRow[];
  bases: { organization: { id: number; name: string } | number | string; share: number; value: string | number | null }[];
  rules?: Record<string, string>;
}

/** The report and value statement are computed by a job on first request: 202 with that job. */
export interface Computing {
  state: 'computing';
  job: Job;
}

export function isComputing(v: unknown): v is Computing {
  return typeof v === 'object' && v !== null && (v as { state?: unknown }).state === 'computing' && 'job' in v;
}

export interface ConfusionMatrix {
  options: string[];
  matrix: number[][];
}

export interface LabelQuality {
  type: string;
  mean_similarity: number | null;
  percent_agreement: number | null;
  krippendorff_alpha: number | null;
  fleiss_kappa: number | null;
  consensus?: { counts: Record<string, number>; mean_confidence: number | null };
  confusion?: ConfusionMatrix;
}

export interface AnnotatorQuality {
  id: number;
  username: string;
  submitted: number;
  agreement_with_consensus: number | null;
  tasks_checked: number;
  mean_lead_time: number | null;
  /** mean similarity to gold answers over the gold tasks they annotated (gold_seen) */
  gold_accuracy?: number | null;
  gold_seen?: number;
  /** share of review decisions on their tasks that went against them (over `reviewed`) */
  overturn_rate?: number | null;
  reviewed?: number;
  [key: string]: unknown;
}

export interface ProjectQuality {
  project: number;
  tasks: { by_status: Record<string, number>; annotated: number; checked: number };
  decisions: { auto_accepted: number; in_review: number; share_auto_accepted: number | null; share_in_review: number | null };
  overall: { percent_agreement: number | null; krippendorff_alpha: number | null; fleiss_kappa: number | null; mean_task_agreement: number | null; mean_confidence: number | null };
  labels: Record<string, LabelQuality>;
  annotators: AnnotatorQuality[];
  over_time: { date: string; tasks: number; mean_agreement: number | null; auto_accepted: number }[];
}

export const releases = {
  list: (projectId: number) => api.get<Page<Release> | Release[]>(`${V1}/projects/${projectId}/releases/?page_size=200`),
  create: (projectId: number, input: ReleaseInput) => api.post<{ release: Release; job: Job }>(`${V1}/projects/${projectId}/releases/`, input),
  get: (id: number) => api.get<Release>(`${V1}/releases/${id}/`),
  diff: (id: number, against: number) => api.get<ReleaseDiff>(`${V1}/releases/${id}/diff/?against=${against}`),
  quality: (id: number) => api.get<QualityReport | Computing>(`${V1}/releases/${id}/quality/`),
  value: (id: number) => api.get<ValueStatement | Computing>(`${V1}/releases/${id}/value/`),
};

/** A download is a plain link: the session cookie authenticates it and the server streams it. */
export function exportUrl(releaseId: number, format: string, unmasked = false): string {
  const q = new URLSearchParams({ format });
  if (unmasked) q.set('unmasked', '1');
  return `${V1}/releases/${releaseId}/export/?${q.toString()}`;
}

export const projectQuality = {
  get: (projectId: number) => api.get<ProjectQuality>(`${V1}/projects/${projectId}/quality/`),
  recompute: (projectId: number) => api.post<Job>(`${V1}/projects/${projectId}/quality/recompute/`),
};
