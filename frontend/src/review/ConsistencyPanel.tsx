// The task's consistency report (agreement per label, consensus, reasons) and
// the model's predictions, as the reviewer's context.
import type { Schema } from '../core/schema';
import { useI18n } from '../i18n';
import type { Consistency, ReviewPrediction } from './api';
import { reasonText } from './labels';
import { ValueText } from './ValueText';

function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`;
}

/** The consensus as a result (label -> value), for the fix editor's starting point. */
export function consensusResult(c: Consistency | null): Record<string, unknown> | null {
  if (!c || !c.consensus) return null;
  const out: Record<string, unknown> = {};
  for (const [label, entry] of Object.entries(c.consensus)) {
    if (entry && typeof entry === 'object' && 'value' in entry && entry.value !== null && entry.value !== undefined) out[label] = entry.value;
  }
  return Object.keys(out).length > 0 ? out : null;
}

export function ConsistencyPanel({ schema, report, data }: { schema: Schema; report: Consistency | null; data: Record<string, unknown> }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-label={t('review.item.consistency')}>
      <h2>{t('review.item.consistency')}</h2>
      {!report ? (
        <p className="muted">{t('review.item.noConsistency')}</p>
      ) : (
        <>
          <p>
            {t('review.item.overall')}: <strong>{pct(report.overall_agreement)}</strong> · {t('review.item.confidence')}: <strong>{pct(report.confidence)}</strong>
          </p>
          <table className="table">
            <thead>
              <tr>
                <th>{t('review.item.label')}</th>
                <th>{t('review.item.agreement')}</th>
                <th>{t('review.item.consensus')}</th>
              </tr>
            </thead>
            <tbody>
              {schema.labels.map((def) => (
                <tr key={def.name}>
                  <td>{def.name}</td>
                  <td>{pct(report.agreement?.[def.name])}</td>
                  <td>
                    <ValueText def={def} value={report.consensus?.[def.name]?.value} data={data} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.reasons.length > 0 && (
            <>
              <h3>{t('review.item.reasons')}</h3>
              <ul>
                {report.reasons.map((r, i) => (
                  <li key={i}>{reasonText(t, r)}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

export function PredictionsPanel({ schema, predictions, data }: { schema: Schema; predictions: ReviewPrediction[]; data: Record<string, unknown> }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-label={t('review.item.predictions')}>
      <h2>{t('review.item.predictions')}</h2>
      {predictions.length === 0 && <p className="muted">{t('review.item.noPredictions')}</p>}
      {predictions.map((p, i) => (
        <div key={i}>
          <p>
            {t('review.item.model')}: {p.model_version} · {t('review.item.score')}: {p.score === null ? '—' : p.score.toFixed(2)}
          </p>
          <dl className="result-text">
            {schema.labels
              .filter((def) => p.result[def.name] !== undefined)
              .map((def) => (
                <div key={def.name}>
                  <dt>{def.name}</dt>
                  <dd>
                    <ValueText def={def} value={p.result[def.name]} data={data} />
                  </dd>
                </div>
              ))}
          </dl>
        </div>
      ))}
    </section>
  );
}
