// Typed wrappers of the REST endpoints the app uses.
import { api, request } from './client';
import type { Annotation, Job, Me, Member, NextTask, Page, Progress, Project, Role, Task } from './types';

const V1 = '/api/v1';

export const auth = {
  csrf: () => api.get<unknown>(`${V1}/auth/csrf/`),
  login: (username: string, password: string) => api.post<{ user: Me }>(`${V1}/auth/login/`, { username, password }),
  logout: () => api.post<void>(`${V1}/auth/logout/`),
  me: () => api.get<Me>(`${V1}/me/`),
};

export type ProjectInput = Pick<Project, 'organization' | 'name' | 'domain' | 'description' | 'instructions' | 'schema' | 'overlap' | 'task_order'>;

export const projects = {
  list: () => api.get<Page<Project>>(`${V1}/projects/?page_size=200`),
  get: (id: number) => api.get<Project>(`${V1}/projects/${id}/`),
  create: (p: ProjectInput) => api.post<Project>(`${V1}/projects/`, p),
  update: (id: number, p: Partial<ProjectInput>) => api.patch<Project>(`${V1}/projects/${id}/`, p),
  validateSchema: (schema: unknown, signal?: AbortSignal) => api.post<{ valid: boolean }>(`${V1}/schemas/validate/`, { schema }, { signal }),
  tasks: (id: number, status: string, page: number) =>
    api.get<Page<Task>>(`${V1}/projects/${id}/tasks/?page=${page}${status ? `&status=${encodeURIComponent(status)}` : ''}`),
  nextTask: (id: number) => api.post<NextTask | undefined>(`${V1}/projects/${id}/next-task/`),
  progress: (id: number) => api.get<Progress>(`${V1}/projects/${id}/progress/`),
  importFile: (id: number, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return request<Job>('POST', `${V1}/projects/${id}/imports/`, form);
  },
};

export const tasks = {
  lease: (id: number) => api.post<{ lease_expires_at: string }>(`${V1}/tasks/${id}/lease/`),
  skip: (id: number) => api.post<void>(`${V1}/tasks/${id}/skip/`),
};

export interface AnnotationInput {
  result: Record<string, unknown>;
  status: 'draft' | 'submitted';
  lead_time: number;
  prediction: number | null;
}

export const annotations = {
  get: (id: number) => api.get<Annotation>(`${V1}/annotations/${id}/`),
  create: (taskId: number, a: AnnotationInput, keepalive = false) =>
    api.post<Annotation>(`${V1}/tasks/${taskId}/annotations/`, a, { keepalive }),
  update: (id: number, a: Partial<AnnotationInput> & { version: number }, keepalive = false) =>
    api.patch<Annotation>(`${V1}/annotations/${id}/`, a, { keepalive }),
};

export const jobs = {
  get: (id: number) => api.get<Job>(`${V1}/jobs/${id}/`),
};

export const members = {
  list: (org: number) => api.get<Member[] | Page<Member>>(`${V1}/organizations/${org}/members/`),
  add: (org: number, username: string, role: Role) => api.post<Member>(`${V1}/organizations/${org}/members/`, { username, role }),
  update: (org: number, id: number, role: Role) => api.patch<Member>(`${V1}/organizations/${org}/members/${id}/`, { role }),
  remove: (org: number, id: number) => api.del<void>(`${V1}/organizations/${org}/members/${id}/`),
};

/** Lists may come bare or paginated. */
export function rows<T>(v: T[] | Page<T>): T[] {
  return Array.isArray(v) ? v : v.results;
}
