// /releases/:id/quality — the release's quality report along the four criteria of the national
// guidance for high-quality datasets: structure, diversity, accuracy, adaptability.
import { useI18n, type MessageKey } from '../i18n';
import { releases, type QualityReport } from './api';
import { spokenSummary } from './charts';
import { BarChart, LineChart } from './Charts';
import { ComputedPage } from './ComputedPage';
import { formatDate, formatNumber, formatPercent } from './format';
import { CRITERIA, criterionView, type CriterionName } from './report';
import { MetricTable } from './MetricTable';
import { FactTable } from './Tables';

export function QualityReportPage({ releaseId }: { releaseId: number }) {
  return (
    <ComputedPage releaseId={releaseId} tab="quality" load={releases.quality}>
      {(report: QualityReport) => <Report report={report} />}
    </ComputedPage>
  );
}

function Report({ report }: { report: QualityReport }) {
  const { t, lang } = useI18n();
  const sample = report.sample;
  const encoder = report.encoder;
  return (
    <>
      <FactTable
        caption={t('release.quality.about')}
        facts={[
          !!report.computed_at && [t('release.quality.computedAt'), formatDate(report.computed_at, lang)],
          !!sample && [t('release.quality.sample'), t(sample.sampled ? 'release.quality.sampled' : 'release.quality.notSampled', { size: formatNumber(sample.size, lang), of: formatNumber(sample.of, lang) })],
          !!encoder?.source && [t('release.quality.encoder'), <code>{encoder.source}</code>],
        ]}
      />
      {report.guidance && <p className="muted">{report.guidance}</p>}
      {CRITERIA.map((name) => (
        <Criterion key={name} name={name} data={report[name]} />
      ))}
      <details>
        <summary>{t('release.quality.raw')}</summary>
        <pre className="data-cell" style={{ maxHeight: '24em', overflow: 'auto' }}>{JSON.stringify(report, null, 2)}</pre>
      </details>
    </>
  );
}

function Criterion({ name, data }: { name: CriterionName; data: unknown }) {
  const { t, lang } = useI18n();
  const v = criterionView(data);
  const title = t(`release.criterion.${name}` as MessageKey);
  const last = (path: string[]) => path[path.length - 1] ?? title;
  return (
    <section aria-labelledby={`criterion-${name}`} className="card" style={{ margin: '1em 0' }}>
      <h2 id={`criterion-${name}`}>{title}</h2>
      <p className="muted">{t(`release.criterion.${name}.help` as MessageKey)}</p>
      {data === undefined || data === null ? <p>{t('release.quality.missing')}</p> : null}
      {v.summary.map((s, i) => (
        <p key={i}>{s}</p>
      ))}
      {v.distributions.map((d) => (
        <div key={d.path.join('.')}>
          <h3>{t('release.quality.distribution', { label: last(d.path) })}</h3>
          {d.entropyBits !== null && (
            <p className="muted">
              {t('release.quality.entropy', { bits: formatNumber(d.entropyBits, lang), normalized: formatNumber(d.normalizedEntropy, lang) })}
            </p>
          )}
          <BarChart
            label={t('release.chart.distributionOf', { label: last(d.path), summary: spokenSummary(d.counts) })}
            counts={d.counts}
            header={t('release.chart.value')}
            valueHeader={t('release.chart.count')}
            formatValue={(n) => formatNumber(n, lang)}
            sort={false}
          />
        </div>
      ))}
      {v.curves.map((c) => (
        <div key={c.path.join('.')}>
          <h3>{t('release.quality.learningCurve', { label: last(c.path) })}</h3>
          <LineChart
            label={t('release.chart.learningCurveOf', {
              label: last(c.path),
              summary: c.points.map((p) => `${formatNumber(p.x, lang)}: ${formatPercent(p.y, lang)}`).join(', '),
            })}
            points={c.points.map((p) => ({ x: p.x, y: p.y, label: p.trainSize !== null ? formatNumber(p.trainSize, lang) : formatPercent(p.fraction, lang) }))}
            xHeader={t('release.chart.trainSize')}
            yHeader={t('release.chart.accuracy')}
            formatY={(y) => formatPercent(y, lang, 0)}
            yDomain={[0, 1]}
          />
        </div>
      ))}
      {v.rows.length > 0 && <MetricTable rows={v.rows} caption={t('release.quality.metricsOf', { name: title })} />}
      {v.notes.length > 0 && (
        <ul className="muted">
          {v.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
