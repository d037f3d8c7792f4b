// The workspace's TaskEditor edits a NextTask. Exams and review fixes are not
// annotations of the caller, so they hand it one built here: the task, no
// prediction (nothing to give an answer away), and the starting result as a
// draft that the editor's preview mode never saves.
import type { NextTask } from '../api/types';
import type { ExamTask, Result } from './api';

export function editorItem(task: ExamTask & { project?: number }, start: Result | null): NextTask {
  const now = new Date(0).toISOString();
  return {
    task: {
      ...task,
      project: task.project ?? 0,
      status: 'open',
      priority: 0,
      submitted_count: 0,
      created_at: now,
    },
    predictions: [],
    annotation: start
      ? { id: 0, task: task.id, annotator: 0, result: start, status: 'draft', version: 0, lead_time: 0, prediction: null, created_at: now, updated_at: now }
      : null,
    lease_expires_at: null,
  };
}
