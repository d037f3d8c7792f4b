// Shapes of the REST API's JSON (annotation/api/serializers.py).

export type Role = 'owner' | 'manager' | 'reviewer' | 'annotator';

export interface Organization {
  id: number;
  name: string;
  city: string;
}

export interface Me {
  id: number;
  username: string;
  memberships: { organization: Organization; role: Role }[];
}

export type TaskOrder = 'sequential' | 'random' | 'priority' | 'uncertainty';

export interface Project {
  id: number;
  organization: number;
  name: string;
  domain: string;
  description: string;
  instructions: string;
  schema: unknown;
  overlap: number;
  task_order: TaskOrder;
  review_policy: unknown;
  created_at: string;
  task_count: number | null;
}

export type TaskStatus = 'open' | 'in_review' | 'completed' | 'accepted' | 'rejected';
export const TASK_STATUSES: readonly TaskStatus[] = ['open', 'in_review', 'completed', 'accepted', 'rejected'];

export interface Task {
  id: number;
  project: number;
  data: Record<string, unknown>;
  media_url: string | null;
  media_width: number | null;
  media_height: number | null;
  status: TaskStatus | string;
  priority: number;
  submitted_count: number;
  created_at: string;
}

export interface Prediction {
  id: number;
  model_version: string;
  result: Record<string, unknown>;
  score: number | null;
}

export interface Annotation {
  id: number;
  task: number;
  annotator: number;
  result: Record<string, unknown>;
  status: 'draft' | 'submitted';
  version: number;
  lead_time: number;
  prediction: number | null;
  created_at: string;
  updated_at: string;
}

export interface NextTask {
  task: Task;
  predictions: Prediction[];
  annotation: Annotation | null;
  lease_expires_at: string | null;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  kind: string;
  state: JobState;
  progress_done: number;
  progress_total: number;
  error: string;
  result: unknown;
  created_at: string;
  finished_at: string | null;
}

export interface Member {
  id: number;
  user: { id: number; username: string };
  role: Role;
}

export interface Progress {
  total: number;
  tasks_by_status: Record<string, number>;
  annotators: { user_id: number; username: string; submitted: number; drafts: number; skipped: number }[];
}
