// Which result this decision reviews: the proposed one (the earlier stage's
// result, else the consensus of the checks) or one annotator's. Accept keeps
// it; CoT verdicts judge its steps; a fix starts from it.
import type { Schema } from '../core/schema';
import { useI18n } from '../i18n';
import type { Result, ReviewDetail } from './api';
import { annotatorName } from './SideBySide';
import { ResultText } from './ValueText';

interface Props {
  schema: Schema;
  detail: ReviewDetail;
  selected: number;
  onSelect: (i: number) => void;
  proposed: Result | null;
}

export function UnderReview({ schema, detail, selected, onSelect, proposed }: Props) {
  const { t } = useI18n();
  const options = [{ i: -1, name: t('review.item.proposed') }, ...detail.annotations.map((a, i) => ({ i, name: annotatorName(t, a, i) }))];
  return (
    <section className="panel" aria-label={t('review.item.underReview')}>
      <h2>{t('review.item.underReview')}</h2>
      <div role="radiogroup" aria-label={t('review.item.underReview')} className="verdicts">
        {options.map((o) => (
          <label key={o.i}>
            <input type="radio" name="under-review" checked={selected === o.i} onChange={() => onSelect(o.i)} />
            {o.name}
          </label>
        ))}
      </div>
      <p className="hint">{t('review.item.underReviewHint')}</p>
      {selected === -1 && <ResultText labels={schema.labels} result={proposed} data={detail.task.data} />}
    </section>
  );
}
