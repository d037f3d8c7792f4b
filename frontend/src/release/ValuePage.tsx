// /releases/:id/value — the value statement (billable units × price per token) and the contribution
// ledger that credits each annotator and each base with their accepted, quality-weighted share.
import { useI18n } from '../i18n';
import { releases, type ValueStatement } from './api';
import { BarChart } from './Charts';
import { ComputedPage } from './ComputedPage';
import { formatMoney, formatNumber, formatPercent } from './format';
import { DataTable, FactTable } from './Tables';

export function ValuePage({ releaseId }: { releaseId: number }) {
  return (
    <ComputedPage releaseId={releaseId} tab="value" load={releases.value}>
      {(v: ValueStatement) => <Statement v={v} />}
    </ComputedPage>
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
        <FactTable
          facts={[
            [t('release.value.textTokens'), formatNumber(v.tokens.text_tokens, lang)],
            [t('release.value.images'), formatNumber(v.tokens.images, lang)],
            [t('release.value.audioSeconds'), t('release.seconds', { n: formatNumber(v.tokens.audio_seconds, lang, 1) })],
            v.tokens.billable_units !== undefined && [t('release.value.billableUnits'), formatNumber(v.tokens.billable_units, lang)],
            [t('release.value.tokenizer'), <code>{v.tokens.tokenizer || t('common.none')}</code>],
            [t('release.value.pricePerToken'), priced ? formatMoney(v.price_per_token, v.currency, lang, true) : t('release.value.noPrice')],
            [t('release.value.value'), <strong data-testid="release-value">{money(v.value)}</strong>],
          ]}
        />
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
            <DataTable
              caption={t('release.ledger.title')}
              headers={[t('release.ledger.annotator'), t('release.ledger.accepted'), t('release.ledger.fixed'), t('release.ledger.share'), t('release.value.value')]}
              rows={v.ledger.map((r) => ({
                key: r.annotator.id,
                cells: [r.annotator.username, formatNumber(r.accepted, lang), formatNumber(r.fixed ?? 0, lang), formatPercent(r.weighted_share, lang), money(r.value)],
              }))}
            />
          </>
        )}
        {v.bases.length > 0 && (
          <DataTable
            caption={t('release.ledger.bases')}
            showCaption
            headers={[t('release.ledger.base'), t('release.ledger.share'), t('release.value.value')]}
            rows={v.bases.map((b) => ({ key: baseName(b.organization), cells: [baseName(b.organization), formatPercent(b.share, lang), money(b.value)] }))}
          />
        )}
      </section>
    </>
  );
}
