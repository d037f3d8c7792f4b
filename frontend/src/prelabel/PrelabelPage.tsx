// /projects/:id/prelabel — start pre-labeling with a progress bar, the model versions with their
// acceptance rate, "Retrain now", and the flywheel setting. Managers act; other members read.
import { useEffect, useMemo, useRef, useState } from 'react';
import { jobs, projects } from '../api/endpoints';
import type { Job, Project } from '../api/types';
import { canManage, useAuth } from '../app/auth';
import { ErrorBox } from '../app/errors';
import { useAsync } from '../app/useAsync';
import { parseSchema } from '../core/schema';
import { useI18n } from '../i18n';
import { useJob } from '../release/JobStatus';
import { jobProgress } from '../release/format';
import { prelabel, type PrelabelSettings } from './api';
import { FlywheelForm } from './FlywheelForm';
import { JobPanel } from './JobPanel';
import { VersionsTable } from './VersionsTable';
import { learnableLabels, prelabelCounts, retrainOutcome } from './versions';

type WithSettings = Project & { prelabel?: PrelabelSettings | null };

export function PrelabelPage({ projectId }: { projectId: number }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const project = useAsync(() => projects.get(projectId) as Promise<WithSettings>, [projectId]);
  const versions = useAsync(() => prelabel.versions(projectId), [projectId]);
  const manager = project.data ? canManage(me, project.data.organization) : false;
  const run = useJob(() => versions.reload());
  const [startError, setStartError] = useState<unknown>(null);
  const follow = useRef(run.follow);
  follow.current = run.follow;

  // a job started elsewhere (the demo, another tab, the flywheel's re-run) shows its progress here
  useEffect(() => {
    if (!manager) return;
    let live = true;
    prelabel.latest(projectId).then(({ job }) => {
      if (live && job && !jobProgress(job).finished) follow.current(job);
    }, () => undefined);
    return () => {
      live = false;
    };
  }, [manager, projectId]);

  const start = async () => {
    setStartError(null);
    run.follow(null);
    try {
      run.follow(await prelabel.start(projectId));
    } catch (e) {
      setStartError(e);
    }
  };

  const finishedRun = run.job?.state === 'succeeded' ? prelabelCounts(run.job.result) : null;
  return (
    <section>
      <div className="page-head">
        <h1>{t('prelabel.title', { name: project.data?.name ?? '' })}</h1>
      </div>
      <p className="muted">{t('prelabel.intro')}</p>
      <ErrorBox error={project.error ?? versions.error} />
      {manager && (
        <div className="card">
          <h2>{t('prelabel.run.heading')}</h2>
          <button type="button" className="primary" onClick={() => void start()} disabled={run.job !== null && !jobProgress(run.job).finished}>
            {t('prelabel.run.start')}
          </button>
          <ErrorBox error={startError} />
          <JobPanel job={run.job} error={run.error} label={t('prelabel.run.progress')} onChange={run.follow} />
          {finishedRun && <p>{t('prelabel.run.summary', { ...finishedRun })}</p>}
        </div>
      )}
      <h2>{t('prelabel.versions.heading')}</h2>
      <p className="hint">{t('prelabel.versions.help')}</p>
      {versions.loading && !versions.data && <p>{t('common.loading')}</p>}
      {versions.data && <VersionsTable versions={versions.data} />}
      {manager && project.data && (
        <Retrain
          project={project.data}
          onVersions={versions.reload}
          onPrelabelJob={(job) => run.follow(job)}
        />
      )}
      {manager && project.data && <FlywheelForm projectId={projectId} settings={project.data.prelabel ?? {}} />}
    </section>
  );
}

function Retrain({ project, onVersions, onPrelabelJob }: { project: Project; onVersions: () => void; onPrelabelJob: (job: Job) => void }) {
  const { t } = useI18n();
  const labels = useMemo(() => {
    try {
      return learnableLabels(parseSchema(project.schema));
    } catch {
      return [];
    }
  }, [project.schema]);
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(null);
  const retrain = useJob((done) => {
    onVersions();
    const outcome = retrainOutcome(done.result);
    if (outcome.kind === 'registered' && outcome.prelabelJob !== null) {
      jobs.get(outcome.prelabelJob).then(onPrelabelJob, () => undefined);
    }
  });
  const start = async () => {
    setError(null);
    retrain.follow(null);
    try {
      retrain.follow(await prelabel.retrain(project.id, label || undefined));
    } catch (e) {
      setError(e);
    }
  };
  const outcome = retrain.job?.state === 'succeeded' ? retrainOutcome(retrain.job.result) : null;
  return (
    <div className="card">
      <h2>{t('prelabel.retrain.heading')}</h2>
      <p className="hint">{t('prelabel.retrain.help')}</p>
      {labels.length > 1 && (
        <label>
          {t('prelabel.retrain.label')}
          <select value={label} onChange={(e) => setLabel(e.target.value)}>
            <option value="">{t('prelabel.retrain.auto')}</option>
            {labels.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" onClick={() => void start()} disabled={retrain.job !== null && !jobProgress(retrain.job).finished}>
        {t('prelabel.retrain.start')}
      </button>
      <ErrorBox error={error} />
      <JobPanel job={retrain.job} error={retrain.error} label={t('prelabel.retrain.progress')} onChange={retrain.follow} />
      {outcome?.kind === 'registered' && <p className="ok" role="status">{t('prelabel.retrain.registered', { version: outcome.version })}</p>}
      {outcome?.kind === 'kept' && <p role="status">{t('prelabel.retrain.kept', { reason: outcome.reason })}</p>}
    </div>
  );
}
