// Typed endpoints of the review area: review queue and decisions, inbox,
// certifications and exams (the contract in briefs/contracts.md, served by review/api/).
import { api } from '../api/client';
import type { Page } from '../api/types';

const V1 = '/api/v1';

export interface UserRef {
  id: number;
  username: string;
}

export type Result = Record<string, unknown>;

// ---- certifications ----------------------------------------------------------

export type LevelNumber = 1 | 2 | 3 | 4;
export const LEVELS: readonly LevelNumber[] = [1, 2, 3, 4];

export interface Certification {
  id: number;
  organization: number;
  user: UserRef;
  domain: string;
  level: number;
  level_name: string;
  granted_via: 'exam' | 'manual';
  reason: string;
  granted_by: UserRef | null;
  granted_at: string;
  valid_until: string | null;
  revoked_at: string | null;
  revoke_reason: string;
  active: boolean;
}

export interface CertificationInput {
  organization: number;
  user: number;
  domain: string;
  level: number;
  reason: string;
  valid_until?: string | null;
}

export interface CertificationFilter {
  organization?: number;
  user?: number;
  domain?: string;
  active?: boolean;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const certifications = {
  list: (f: CertificationFilter = {}) =>
    api.get<Page<Certification>>(`${V1}/certifications/${query({ ...f, active: f.active ? true : undefined, page_size: 500 })}`),
  grant: (c: CertificationInput) => api.post<Certification>(`${V1}/certifications/`, c),
  revoke: (id: number, reason: string) => api.post<Certification>(`${V1}/certifications/${id}/revoke/`, { reason }),
};

// ---- exams ---------------------------------------------------------------------

export interface AttemptSummary {
  id: number;
  status: AttemptStatus;
  score: number | null;
  finished_at: string | null;
}

export interface Exam {
  id: number;
  organization: number;
  project: number;
  project_name: string;
  name: string;
  domain: string;
  level_granted: number;
  pass_threshold: number;
  max_attempts: number;
  retry_after_hours: number;
  item_count: number;
  my_attempts: AttemptSummary[];
  can_start: boolean;
  next_attempt_at: string | null;
  /** why can_start is false, in the caller's language */
  blocked_reason?: string | null;
}

export type AttemptStatus = 'in_progress' | 'passed' | 'failed';

export interface ExamTask {
  id: number;
  data: Record<string, unknown>;
  media_url: string | null;
  media_width: number | null;
  media_height: number | null;
}

export interface AttemptItem {
  task: ExamTask;
  position: number;
  answered: boolean;
  given: Result | null;
  correct: boolean | null;
  score: number | null;
  /** per graded label, once finished */
  label_scores?: Record<string, number> | null;
  expected: Result | null;
}

export interface Attempt {
  id: number;
  exam: number;
  exam_name?: string;
  pass_threshold?: number;
  status: AttemptStatus;
  score: number | null;
  started_at: string;
  finished_at: string | null;
  items: AttemptItem[];
  certification: Certification | null;
}

export const exams = {
  list: (f: { organization?: number; project?: number } = {}) => api.get<Page<Exam> | Exam[]>(`${V1}/exams/${query(f)}`),
  get: (id: number) => api.get<Exam>(`${V1}/exams/${id}/`),
  start: (id: number) => api.post<Attempt>(`${V1}/exams/${id}/attempts/`),
};

export const attempts = {
  get: (id: number) => api.get<Attempt>(`${V1}/exam-attempts/${id}/`),
  answer: (id: number, task: number, result: Result) => api.post<Attempt>(`${V1}/exam-attempts/${id}/answers/`, { task, result }),
  finish: (id: number) => api.post<Attempt>(`${V1}/exam-attempts/${id}/finish/`),
};

// ---- review queue and decisions ------------------------------------------------

export interface Reason {
  code: string;
  label?: string;
  annotation?: number;
  [k: string]: unknown;
}

export interface QueueItem {
  id: number;
  task: number;
  project: { id: number; name: string; domain: string };
  round?: number;
  /** 0-based index of the stage */
  stage: number;
  stage_count: number;
  min_level: number;
  reasons: (Reason | string)[];
  created_at: string;
  leased_by_me: boolean;
}

export interface ReviewAnnotation {
  id: number;
  annotator: UserRef | null;
  result: Result;
  lead_time: number;
  submitted_at: string | null;
}

export interface Consistency {
  agreement: Record<string, number | null>;
  overall_agreement: number | null;
  consensus: Record<string, { value?: unknown; confidence?: number | null; [k: string]: unknown }>;
  confidence: number | null;
  reasons: (Reason | string)[];
}

export interface ReviewPrediction {
  model_version: string;
  result: Result;
  score: number | null;
}

export interface PastDecision {
  id?: number;
  stage: number;
  reviewer?: UserRef | number | null;
  username?: string;
  level?: number;
  decision: Decision;
  reason?: string;
  at?: string;
  created_at?: string;
}

export interface ReviewDetail {
  item: QueueItem;
  task: ExamTask & { project: number };
  schema: unknown;
  annotations: ReviewAnnotation[];
  consistency: Consistency | null;
  predictions: ReviewPrediction[];
  decisions: PastDecision[];
  /** what accept accepts and CoT verdicts refer to when no annotation is chosen */
  reviewed?: { result: Result; base_annotation: number | null };
  lease_expires_at: string | null;
}

export type Decision = 'accept' | 'reject' | 'fix';
export type Verdict = 'correct' | 'incorrect' | 'neutral';

export interface CotStepVerdict {
  verdict: Verdict;
  comment?: string;
  rewrite?: string;
}

export interface CotLabelVerdict {
  steps: CotStepVerdict[];
  answer: { verdict: Verdict; comment?: string };
}

export interface DecisionInput {
  item: number;
  decision: Decision;
  reason?: string;
  result?: Result;
  base_annotation?: number;
  cot?: Record<string, CotLabelVerdict>;
}

export interface DecisionOutcome {
  id: number;
  item: number;
  decision: Decision;
  stage: number;
  task_status: string;
}

export const review = {
  queue: (project?: number) => api.get<Page<QueueItem> | QueueItem[]>(`${V1}/review/queue/${query({ project })}`),
  next: (project?: number) => api.post<ReviewDetail | undefined>(`${V1}/review/queue/next/${query({ project })}`),
  item: (id: number) => api.get<ReviewDetail>(`${V1}/review/items/${id}/`),
  renew: (id: number) => api.post<{ lease_expires_at: string }>(`${V1}/review/items/${id}/lease/`),
  decide: (d: DecisionInput) => api.post<DecisionOutcome>(`${V1}/reviews/`, d),
};

// ---- inbox -------------------------------------------------------------------------

export interface InboxMessage {
  id: number;
  task: number | null;
  project: { id: number; name: string } | null;
  kind: string;
  text: string;
  from_user: UserRef | null;
  created_at: string;
  read_at: string | null;
}

export const inbox = {
  list: () => api.get<Page<InboxMessage> | InboxMessage[]>(`${V1}/inbox/`),
  read: (id: number) => api.post<InboxMessage | undefined>(`${V1}/inbox/${id}/read/`),
};

