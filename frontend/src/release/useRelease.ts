// A release and its project, re-read every second while the release is still building.
import { useEffect } from 'react';
import { projects } from '../api/endpoints';
import type { Project } from '../api/types';
import { useAsync } from '../app/useAsync';
import { releases, type Release } from './api';

const BUILDING_POLL_MS = 1000;

export function useRelease(id: number): { release: Release | undefined; project: Project | undefined; error: unknown; reload: () => void } {
  const rel = useAsync(() => releases.get(id), [id]);
  const projectId = rel.data?.project;
  const project = useAsync(() => (projectId === undefined ? Promise.resolve(undefined) : projects.get(projectId)), [projectId]);
  const building = rel.data?.state === 'building';
  const { reload } = rel;
  useEffect(() => {
    if (!building || rel.loading) return;
    const timer = window.setTimeout(reload, BUILDING_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [building, rel.loading, reload]);
  return { release: rel.data, project: project.data, error: rel.error ?? project.error, reload };
}
