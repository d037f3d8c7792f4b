// The manifest of a release: what is in it, where it came from, and the digests that pin it down.
import { useI18n } from '../i18n';
import type { Release } from './api';
import { spokenSummary } from './charts';
import { BarChart } from './Charts';
import { formatDate, formatNumber, userName } from './format';
import { manifestFacts } from './manifest';
import { DataTable, FactTable } from './Tables';

export function ManifestView({ release }: { release: Release }) {
  const { t, lang } = useI18n();
  const m = manifestFacts(release);
  const num = (v: number) => formatNumber(v, lang);
  return (
    <section aria-labelledby="manifest-heading">
      <h2 id="manifest-heading">{t('release.manifest.title')}</h2>
      <FactTable
        caption={t('release.manifest.title')}
        facts={[
          [t('release.field.records'), <span data-testid="record-count">{formatNumber(release.record_count, lang)}</span>],
          [t('release.manifest.merkleRoot'), <Digest value={release.merkle_root} testId="merkle-root" />],
          [t('release.manifest.auditHead'), <Digest value={release.audit_head} />],
          [t('release.field.createdAt'), `${formatDate(release.created_at, lang)} · ${userName(release.created_by)}`],
          !!m.schemaSha && [t('release.manifest.schemaSha'), <Digest value={m.schemaSha} />],
          !!m.guidelineSha && [t('release.manifest.guidelineSha'), <Digest value={m.guidelineSha} />],
          !!m.agreement && [t('release.manifest.agreement'), t('release.manifest.agreementValues', { mean: formatNumber(m.agreement.mean, lang), min: formatNumber(m.agreement.min, lang) })],
          [t('release.manifest.modelVersions'), m.modelVersions.length > 0 ? m.modelVersions.join(', ') : t('common.none')],
          !!release.note && [t('release.field.note'), <span className="data-cell">{release.note}</span>],
        ]}
      />
      {Object.keys(m.bySource).length > 0 && (
        <BarChart
          label={t('release.manifest.bySourceChart', { summary: spokenSummary(m.bySource) })}
          counts={m.bySource}
          header={t('release.manifest.source')}
          valueHeader={t('release.field.records')}
          formatValue={num}
        />
      )}
      {m.reviewers.length > 0 && (
        <DataTable
          caption={t('release.manifest.reviewers')}
          showCaption
          headers={[t('release.manifest.reviewer'), t('release.manifest.level'), t('release.manifest.decisions')]}
          rows={m.reviewers.map((r) => ({ key: r.username, cells: [r.username, r.level ?? t('common.none'), r.decisions ?? t('common.none')] }))}
        />
      )}
      {m.labelDistribution.map(([label, counts]) => (
        <div key={label}>
          <h3>{t('release.manifest.distribution', { label })}</h3>
          <BarChart
            label={t('release.chart.distributionOf', { label, summary: spokenSummary(counts) })}
            counts={counts}
            header={t('release.chart.value')}
            valueHeader={t('release.chart.count')}
            formatValue={num}
          />
        </div>
      ))}
      <details>
        <summary>{t('release.manifest.raw')}</summary>
        <pre className="data-cell" style={{ maxHeight: '24em', overflow: 'auto' }}>{JSON.stringify(release.manifest, null, 2)}</pre>
      </details>
    </section>
  );
}

/** A hex digest in full (it is what a buyer compares), breaking anywhere to fit. */
function Digest({ value, testId }: { value: string | null | undefined; testId?: string }) {
  const { t } = useI18n();
  return <code data-testid={testId} style={{ wordBreak: 'break-all' }}>{value || t('common.none')}</code>;
}
