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
        <table className="table">
          <tbody>
            <tr><th scope="row">{t('quality.tasksChecked')}</th><td>{formatNumber(q.tasks.checked, lang)} / {formatNumber(q.tasks.annotated, lang)}</td></tr>
            <tr><th scope="row">{t('quality.percentAgreement')}</th><td>{pct(q.overall.percent_agreement)}</td></tr>
            <tr><th scope="row">{t('quality.alpha')}</th><td>{n3(q.overall.krippendorff_alpha)}</td></tr>
            <tr><th scope="row">{t('quality.kappa')}</th><td>{n3(q.overall.fleiss_kappa)}</td></tr>
            <tr><th scope="row">{t('quality.meanTaskAgreement')}</th><td>{pct(q.overall.mean_task_agreement)}</td></tr>
            <tr><th scope="row">{t('quality.meanConfidence')}</th><td>{pct(q.overall.mean_confidence)}</td></tr>
          </tbody>
        </table>
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
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('quality.label')}</th>
              <th scope="col">{t('quality.percentAgreement')}</th>
              <th scope="col">{t('quality.alpha')}</th>
              <th scope="col">{t('quality.kappa')}</th>
              <th scope="col">{t('quality.meanSimilarity')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(q.labels).map(([name, l]) => (
              <tr key={name}>
                <th scope="row">{name} <span className="badge">{l.type}</span></th>
                <td>{pct(l.percent_agreement)}</td>
                <td>{n3(l.krippendorff_alpha)}</td>
                <td>{n3(l.fleiss_kappa)}</td>
                <td>{pct(l.mean_similarity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
          <table className="table">
            <caption className="sr-only">{t('quality.reliability')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('quality.annotator')}</th>
                <th scope="col">{t('quality.submitted')}</th>
                <th scope="col">{t('quality.tasksChecked')}</th>
                <th scope="col">{t('quality.agreementWithConsensus')}</th>
                <th scope="col">{t('quality.meanLeadTime')}</th>
                <th scope="col">{t('quality.goldAccuracy')}</th>
                <th scope="col">{t('quality.overturnRate')}</th>
              </tr>
            </thead>
            <tbody>
              {q.annotators.map((a) => (
                <tr key={a.id}>
                  <td>{a.username}</td>
                  <td>{formatNumber(a.submitted, lang)}</td>
                  <td>{formatNumber(a.tasks_checked, lang)}</td>
                  <td>{pct(a.agreement_with_consensus)}</td>
                  <td>{a.mean_lead_time === null ? t('common.none') : t('release.seconds', { n: formatNumber(a.mean_lead_time, lang, 1) })}</td>
                  <td>{withCount(pct(a.gold_accuracy ?? null), a.gold_seen)}</td>
                  <td>{withCount(pct(a.overturn_rate ?? null), a.reviewed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
