// Step-by-step review of one chain-of-thought label: a verdict radio group per
// step and for the answer, each with an optional comment (and a rewrite for steps).
import { useI18n } from '../i18n';
import type { Verdict } from './api';
import { cotCounts, cotHasErrors, cotText, setAnswer, setStep, VERDICTS, type CotDraft } from './cot';

interface Props {
  label: string;
  who: string;
  value: unknown;
  draft: CotDraft;
  onChange: (d: CotDraft) => void;
}

function VerdictGroup({ name, label, value, onChange }: { name: string; label: string; value: Verdict | null; onChange: (v: Verdict) => void }) {
  const { t } = useI18n();
  return (
    <div role="radiogroup" aria-label={label} className="verdicts">
      {VERDICTS.map((v) => (
        <label key={v}>
          <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} />
          {t(`review.cot.verdict.${v}`)}
        </label>
      ))}
    </div>
  );
}

export function CotReview({ label, who, value, draft, onChange }: Props) {
  const { t } = useI18n();
  const text = cotText(value);
  const counts = cotCounts(draft);
  const group = `cot-${label}`;
  return (
    <section className="panel" aria-label={t('review.cot.title', { label })}>
      <h2>{t('review.cot.title', { label })}</h2>
      <p className="muted">{t('review.cot.of', { who })}</p>
      {text.steps.length === 0 && <p className="muted">{t('review.cot.noSteps')}</p>}
      <ol className="cot-steps">
        {text.steps.map((step, i) => {
          const s = draft.steps[i];
          if (!s) return null;
          const n = i + 1;
          return (
            <li key={i} className="cot-step">
              <div className="text-block">{step}</div>
              <VerdictGroup name={`${group}-step-${i}`} label={t('review.cot.verdictStep', { n, label })} value={s.verdict} onChange={(v) => onChange(setStep(draft, i, { verdict: v }))} />
              <div className="cot-extra">
                <input aria-label={t('review.cot.commentStep', { n, label })} placeholder={t('review.cot.commentStep', { n, label })} value={s.comment} onChange={(e) => onChange(setStep(draft, i, { comment: e.target.value }))} />
                <textarea aria-label={t('review.cot.rewriteStep', { n, label })} placeholder={t('review.cot.rewriteStep', { n, label })} rows={1} value={s.rewrite} onChange={(e) => onChange(setStep(draft, i, { rewrite: e.target.value }))} />
              </div>
            </li>
          );
        })}
      </ol>
      <div className="cot-step">
        <strong>{t('review.cot.answer')}:</strong> <span className="text-block">{text.answer || t('review.item.empty')}</span>
        <VerdictGroup name={`${group}-answer`} label={t('review.cot.verdictAnswer', { label })} value={draft.answer.verdict} onChange={(v) => onChange(setAnswer(draft, { verdict: v }))} />
        <input aria-label={t('review.cot.commentAnswer', { label })} placeholder={t('review.cot.commentAnswer', { label })} value={draft.answer.comment} onChange={(e) => onChange(setAnswer(draft, { comment: e.target.value }))} />
      </div>
      <p className="muted" aria-live="polite">
        {t('review.cot.counts', counts)}
      </p>
      {cotHasErrors(draft) && <p className="warning">{t('review.cot.hasErrors')}</p>}
    </section>
  );
}
