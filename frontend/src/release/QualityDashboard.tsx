// /projects/:id/quality — issue 6's dashboard: agreement over time, per-label confusion between
// annotators, annotator reliability, the share of tasks accepted automatically, and a recompute job.
import { useState } from 'react';
import { projects } from '../api/endpoints';
import { canManage, useAuth } from '../app/auth';
import { ErrorBox } from '../app/errors';
import { Link } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';
import { projectQuality, type ProjectQuality } from './api';
import { dayNumber } from './charts';
import { HeatmapTable, LineChart, ShareBar } from './Charts';
import { formatNumber, formatPercent } from './format';
import { JobStatus, useJob } from './JobStatus';
import { DataTable, FactTable } from './Tables';

export function QualityDashboard({ projectId }: { projectId: number }) {
  const { t } = useI18n();
  const { me } = useAuth();
  const project = useAsync(() => projects.get(projectId), [projectId]);
  const quality = useAsync(() => projectQuality.get(projectId), [projectId]);
  const manager = project.data ? canManage(me, project.data.organization) : false;
  const { job, error: jobError, follow } = useJob(() => quality.reload());
  const [startError, setStartError] = useState<unknown>(null);
  const running = job !== null && (job.state === 'queued' || job.state === 'running');

  const recompute = async () => {
    setStartError(null);
    try {
      follow(await projectQuality.recompute(projectId));
    } catch (e) {
      setStartError(e);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>{t('quality.title', { name: project.data?.name ?? '' })}</h1>
        <Link to={`/projects/${projectId}/releases`} className="button">{t('release.nav.releases')}</Link>
      </div>
      <ErrorBox error={project.error ?? quality.error} />
      {manager && (
        <div className="card">
          <p className="muted">{t('quality.recompute.help')}</p>
          <button type="button" onClick={() => void recompute()} disabled={running}>{t('quality.recompute.button')}</button>
          <ErrorBox error={startError} />
          <JobStatus job={job} error={jobError} label={t('quality.recompute.progress')} />
          {job?.state === 'succeeded' && <Checked result={job.result} />}
        </div>
      )}
      {quality.loading && !quality.data && <p>{t('common.loading')}</p>}
      {quality.data && <Dashboard q={quality.data} />}
    </section>
  );
}

function Checked({ result }: { result: unknown }) {
  const { t } = useI18n();
  const r = (result ?? {}) as { checked?: number; accepted?: number; review?: number };
  if (typeof r.checked !== 'number') return null;
  return <p className="ok">{t('quality.recompute.result', { checked: r.checked, accepted: r.accepted ?? 0, review: r.review ?? 0 })}</p>;
}

/** "75% (4)": a rate and how many it was measured over; just the dash when there was nothing. */
function withCount(rate: string, n: number | undefined): string {
  return n ? `${rate} (${n})` : rate;
}

function Dashboard({ q }: { q: ProjectQuality }) {
  const { t, lang } = useI18n();
  const pct = (v: number | null) => formatPercent(v, lang);
  const n3 = (v: number | null) => formatNumber(v, lang);
  const confusions = Object.entries(q.labels).filter(([, l]) => l.confusion && l.confusion.options.length > 0);
  const timeline = q.over_time.map((d) => ({ x: dayNumber(d.date), y: d.mean_agreement, label: d.date }));
  return (
    <>
      <section aria-labelledby="overall-heading">
        <h2 id="overall-heading">{t('quality.overall')}</h2>
        <FactTable
          facts={[
            [t('quality.tasksChecked'), `${formatNumber(q.tasks.checked, lang)} / ${formatNumber(q.tasks.annotated, lang)}`],
            [t('quality.percentAgreement'), pct(q.overall.percent_agreement)],
            [t('quality.alpha'), n3(q.overall.krippendorff_alpha)],
            [t('quality.kappa'), n3(q.overall.fleiss_kappa)],
            [t('quality.meanTaskAgreement'), pct(q.overall.mean_task_agreement)],
            [t('quality.meanConfidence'), pct(q.overall.mean_confidence)],
          ]}
        />
      </section>

      <section aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">{t('quality.decisions')}</h2>
        {q.tasks.checked === 0 ? (
          <p className="muted">{t('quality.noChecks')}</p>
        ) : (
          <ShareBar
            label={t('quality.decisionsChart', { auto: pct(q.decisions.share_auto_accepted), review: pct(q.decisions.share_in_review) })}
            parts={[
              { label: t('quality.autoAccepted'), value: q.decisions.auto_accepted },
              { label: t('quality.sentToReview'), value: q.decisions.in_review },
            ]}
            header={t('quality.decision')}
            valueHeader={t('quality.share')}
            formatValue={(s) => formatPercent(s, lang)}
          />
        )}
      </section>

      <section aria-labelledby="time-heading">
        <h2 id="time-heading">{t('quality.overTime')}</h2>
        {timeline.length === 0 ? (
          <p className="muted">{t('quality.noChecks')}</p>
        ) : (
          <LineChart
            label={t('quality.overTimeChart', { summary: q.over_time.map((d) => `${d.date} ${pct(d.mean_agreement)}`).join(', ') })}
            points={timeline}
            xHeader={t('quality.date')}
            yHeader={t('quality.meanAgreement')}
            formatY={(v) => formatPercent(v, lang, 0)}
            yDomain={[0, 1]}
          />
        )}
      </section>

      <section aria-labelledby="labels-heading">
        <h2 id="labels-heading">{t('quality.labels')}</h2>
        <DataTable
          caption={t('quality.labels')}
          headers={[t('quality.label'), t('quality.percentAgreement'), t('quality.alpha'), t('quality.kappa'), t('quality.meanSimilarity')]}
          rows={Object.entries(q.labels).map(([name, l]) => ({
            key: name,
            cells: [<>{name} <span className="badge">{l.type}</span></>, pct(l.percent_agreement), n3(l.krippendorff_alpha), n3(l.fleiss_kappa), pct(l.mean_similarity)],
          }))}
        />
        {confusions.map(([name, l]) => (
          <div key={name} style={{ margin: '1em 0' }}>
            <HeatmapTable
              caption={t('quality.confusion', { label: name })}
              options={l.confusion?.options ?? []}
              matrix={l.confusion?.matrix ?? []}
              rowHeader={t('quality.confusionCorner')}
            />
            <p className="hint">{t('quality.confusionHelp')}</p>
          </div>
        ))}
      </section>

      <section aria-labelledby="reliability-heading">
        <h2 id="reliability-heading">{t('quality.reliability')}</h2>
        {q.annotators.length === 0 ? (
          <p className="muted">{t('quality.noAnnotators')}</p>
        ) : (
          <DataTable
            caption={t('quality.reliability')}
            headers={[t('quality.annotator'), t('quality.submitted'), t('quality.tasksChecked'), t('quality.agreementWithConsensus'), t('quality.meanLeadTime'), t('quality.goldAccuracy'), t('quality.overturnRate')]}
            rows={q.annotators.map((a) => ({
              key: a.id,
              cells: [
                a.username,
                formatNumber(a.submitted, lang),
                formatNumber(a.tasks_checked, lang),
                pct(a.agreement_with_consensus),
                a.mean_lead_time === null ? t('common.none') : t('release.seconds', { n: formatNumber(a.mean_lead_time, lang, 1) }),
                withCount(pct(a.gold_accuracy ?? null), a.gold_seen),
                withCount(pct(a.overturn_rate ?? null), a.reviewed),
              ],
            }))}
          />
        )}
      </section>
    </>
  );
}
