// The manifest of a release: what is in it, where it came from, and the digests that pin it down.
import { useI18n } from '../i18n';
import type { Release } from './api';
import { spokenSummary } from './charts';
import { BarChart } from './Charts';
import { formatDate, formatNumber, userName } from './format';
import { manifestFacts } from './manifest';

export function ManifestView({ release }: { release: Release }) {
  const { t, lang } = useI18n();
  const m = manifestFacts(release);
  const num = (v: number) => formatNumber(v, lang);
  return (
    <section aria-labelledby="manifest-heading">
      <h2 id="manifest-heading">{t('release.manifest.title')}</h2>
      <table className="table">
        <tbody>
          <tr>
            <th scope="row">{t('release.field.records')}</th>
            <td data-testid="record-count">{formatNumber(release.record_count, lang)}</td>
          </tr>
          <tr>
            <th scope="row">{t('release.manifest.merkleRoot')}</th>
            <td><code data-testid="merkle-root" style={{ wordBreak: 'break-all' }}>{release.merkle_root || t('common.none')}</code></td>
          </tr>
          <tr>
            <th scope="row">{t('release.manifest.auditHead')}</th>
            <td><code style={{ wordBreak: 'break-all' }}>{release.audit_head || t('common.none')}</code></td>
          </tr>
          <tr>
            <th scope="row">{t('release.field.createdAt')}</th>
            <td>{formatDate(release.created_at, lang)} · {userName(release.created_by)}</td>
          </tr>
          {m.schemaSha && (
            <tr>
              <th scope="row">{t('release.manifest.schemaSha')}</th>
              <td><code style={{ wordBreak: 'break-all' }}>{m.schemaSha}</code></td>
            </tr>
          )}
          {m.guidelineSha && (
            <tr>
              <th scope="row">{t('release.manifest.guidelineSha')}</th>
              <td><code style={{ wordBreak: 'break-all' }}>{m.guidelineSha}</code></td>
            </tr>
          )}
          {m.agreement && (
            <tr>
              <th scope="row">{t('release.manifest.agreement')}</th>
              <td>{t('release.manifest.agreementValues', { mean: formatNumber(m.agreement.mean, lang), min: formatNumber(m.agreement.min, lang) })}</td>
            </tr>
          )}
          <tr>
            <th scope="row">{t('release.manifest.modelVersions')}</th>
            <td>{m.modelVersions.length > 0 ? m.modelVersions.join(', ') : t('common.none')}</td>
          </tr>
          {release.note && (
            <tr>
              <th scope="row">{t('release.field.note')}</th>
              <td className="data-cell">{release.note}</td>
            </tr>
          )}
        </tbody>
      </table>
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
        <table className="table">
          <caption style={{ textAlign: 'left', fontWeight: 600 }}>{t('release.manifest.reviewers')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('release.manifest.reviewer')}</th>
              <th scope="col">{t('release.manifest.level')}</th>
              <th scope="col">{t('release.manifest.decisions')}</th>
            </tr>
          </thead>
          <tbody>
            {m.reviewers.map((r) => (
              <tr key={r.username}>
                <td>{r.username}</td>
                <td>{r.level ?? t('common.none')}</td>
                <td>{r.decisions ?? t('common.none')}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
