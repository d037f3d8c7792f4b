// /releases/:id/value — the value statement (tokens × price per token) and the contribution ledger
// that credits each annotator and each base with their accepted, quality-weighted share.
import { ErrorBox } from '../app/errors';
import { useI18n } from '../i18n';
import { releases, type ValueStatement } from './api';
import { BarChart } from './Charts';
import { formatMoney, formatNumber, formatPercent } from './format';
import { ReleaseHeader } from './ReleaseHeader';
import { JobStatus } from './JobStatus';
import { useComputed } from './useComputed';
import { useRelease } from './useRelease';

export function ValuePage({ releaseId }: { releaseId: number }) {
  const { t } = useI18n();
  const { release, project, error } = useRelease(releaseId);
  const ready = release?.state === 'ready';
  const value = useComputed(ready ? () => releases.value(releaseId) : null, [releaseId, ready]);
  if (!release) return error ? <ErrorBox error={error} /> : <p>{t('common.loading')}</p>;
  return (
    <section>
      <ReleaseHeader release={release} project={project} tab="value" />
      <ErrorBox error={error ?? value.error} />
      {!ready && <p className="muted">{t('release.downloads.notReady')}</p>}
      {ready && !value.data && (value.loading || value.job) && <p className="muted">{t('release.quality.computing')}</p>}
      <JobStatus job={value.job} error={value.jobError} label={t('release.quality.progress')} />
      {value.data && <Statement v={value.data} />}
    </section>
  );
}

function baseName(o: ValueStatement['bases'][number]['organization']): string {
  return typeof o === 'object' && o !== null ? o.name : String(o);
}

function Statement({ v }: { v: ValueStatement }) {
  const { t, lang } = useI18n();
  const money = (x: string | number | null) => formatMoney(x, v.currency, lang);
  const priced = v.price_per_token !== null && v.price_per_token !== undefined && v.price_per_token !== '';
  const shares = Object.fromEntries(v.ledger.map((r) => [r.annotator.username, r.weighted_share]));
  return (
    <>
      <section aria-labelledby="value-heading">
        <h2 id="value-heading">{t('release.value.title')}</h2>
        <table className="table">
          <tbody>
            <tr>
              <th scope="row">{t('release.value.textTokens')}</th>
              <td>{formatNumber(v.tokens.text_tokens, lang)}</td>
            </tr>
            <tr>
              <th scope="row">{t('release.value.images')}</th>
              <td>{formatNumber(v.tokens.images, lang)}</td>
            </tr>
            <tr>
              <th scope="row">{t('release.value.audioSeconds')}</th>
              <td>{t('release.seconds', { n: formatNumber(v.tokens.audio_seconds, lang, 1) })}</td>
            </tr>
            {v.tokens.billable_units !== undefined && (
              <tr>
                <th scope="row">{t('release.value.billableUnits')}</th>
                <td>{formatNumber(v.tokens.billable_units, lang)}</td>
              </tr>
            )}
            <tr>
              <th scope="row">{t('release.value.tokenizer')}</th>
              <td><code>{v.tokens.tokenizer || t('common.none')}</code></td>
            </tr>
            <tr>
              <th scope="row">{t('release.value.pricePerToken')}</th>
              <td>{priced ? formatMoney(v.price_per_token, v.currency, lang, true) : t('release.value.noPrice')}</td>
            </tr>
            <tr>
              <th scope="row">{t('release.value.value')}</th>
              <td><strong data-testid="release-value">{money(v.value)}</strong></td>
            </tr>
          </tbody>
        </table>
        <p className="muted">{t('release.value.formula')}</p>
        {v.rules && (
          <details>
            <summary>{t('release.value.rules')}</summary>
            {Object.entries(v.rules).map(([k, text]) => (
              <p key={k} className="muted">{text}</p>
            ))}
          </details>
        )}
      </section>
      <section aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">{t('release.ledger.title')}</h2>
        <p className="muted">{t('release.ledger.help')}</p>
        {v.ledger.length === 0 ? (
          <p>{t('release.ledger.empty')}</p>
        ) : (
          <>
            <BarChart
              label={t('release.ledger.chart', { summary: v.ledger.map((r) => `${r.annotator.username} ${formatPercent(r.weighted_share, lang)}`).join(', ') })}
              counts={shares}
              header={t('release.ledger.annotator')}
              valueHeader={t('release.ledger.share')}
              formatValue={(n) => formatPercent(n, lang)}
            />
            <table className="table">
              <caption className="sr-only">{t('release.ledger.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('release.ledger.annotator')}</th>
                  <th scope="col">{t('release.ledger.accepted')}</th>
                  <th scope="col">{t('release.ledger.fixed')}</th>
                  <th scope="col">{t('release.ledger.share')}</th>
                  <th scope="col">{t('release.value.value')}</th>
                </tr>
              </thead>
              <tbody>
                {v.ledger.map((r) => (
                  <tr key={r.annotator.id}>
                    <td>{r.annotator.username}</td>
                    <td>{formatNumber(r.accepted, lang)}</td>
                    <td>{formatNumber(r.fixed ?? 0, lang)}</td>
                    <td>{formatPercent(r.weighted_share, lang)}</td>
                    <td>{money(r.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {v.bases.length > 0 && (
          <table className="table">
            <caption style={{ textAlign: 'left', fontWeight: 600 }}>{t('release.ledger.bases')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('release.ledger.base')}</th>
                <th scope="col">{t('release.ledger.share')}</th>
                <th scope="col">{t('release.value.value')}</th>
              </tr>
            </thead>
            <tbody>
              {v.bases.map((b) => (
                <tr key={baseName(b.organization)}>
                  <td>{baseName(b.organization)}</td>
                  <td>{formatPercent(b.share, lang)}</td>
                  <td>{money(b.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
