// Typed endpoints of the pre-labeling area (docs/prelabel.md).
import { api } from '../api/client';
import type { Job, Prediction, Project } from '../api/types';

const V1 = '/api/v1';

export interface ModelVersion {
  id: number;
  version: string;
  kind: string;
  is_active: boolean;
  labels: string[];
  /** held-out metrics of a retrained head (heldout_accuracy, baseline_accuracy, train_size, eval_size, …) */
  metrics: Record<string, unknown>;
  created_at: string;
  suggestions_used: number;
  acceptance_rate: number | null;
  labels_compared: number;
  accuracy: number | null;
}

/** What a retrain job's result says (docs/prelabel.md, "Retrain"). */
export interface RetrainResult {
  registered?: boolean;
  version?: string;
  reason?: string;
  label?: string;
  examples?: number;
  heldout_accuracy?: number | null;
  baseline_accuracy?: number | null;
  prelabel_job?: number | null;
}

/** The project's pre-label settings (Project.prelabel). */
export interface PrelabelSettings {
  retrain_every?: number | null;
}

export interface FastPathAnswer {
  queued: boolean;
  predictions: Prediction[];
}

export const prelabel = {
  start: (projectId: number) => api.post<Job>(`${V1}/projects/${projectId}/prelabel/`),
  /** The latest pre-label job (null when none ran): the page follows one still running. */
  latest: (projectId: number) => api.get<{ job: Job | null }>(`${V1}/projects/${projectId}/prelabel/`),
  versions: (projectId: number) => api.get<ModelVersion[]>(`${V1}/projects/${projectId}/model-versions/`),
  retrain: (projectId: number, label?: string) =>
    api.post<Job>(`${V1}/projects/${projectId}/retrain/`, label ? { label } : {}),
  cancel: (jobId: number) => api.post<Job>(`${V1}/jobs/${jobId}/cancel/`),
  saveSettings: (projectId: number, settings: PrelabelSettings) =>
    api.patch<Project & { prelabel: PrelabelSettings }>(`${V1}/projects/${projectId}/`, { prelabel: settings }),
  /** The single-task fast path: 202 {queued: true} or 200 with the active version's predictions. */
  askForTask: (taskId: number) => api.post<FastPathAnswer>(`${V1}/tasks/${taskId}/prelabel/`),
  taskPredictions: (taskId: number) => api.get<Prediction[]>(`${V1}/tasks/${taskId}/predictions/`),
};
