// The annotators' results in columns, label by label, with the items that are
// not in every result highlighted. Names are hidden when the review is blind.
import type { Schema } from '../core/schema';
import { useI18n } from '../i18n';
import type { ReviewAnnotation } from './api';
import type { LabelDiff } from './diff';
import { ShapesPreview } from './ShapesPreview';
import { ItemList } from './ValueText';

interface Props {
  schema: Schema;
  annotations: ReviewAnnotation[];
  diffs: LabelDiff[];
  selected: number;
  onSelect: (index: number) => void;
  /** the task image, to draw boxes and polygons on */
  media?: { url: string; width: number; height: number } | null;
}

export function annotatorName(t: ReturnType<typeof useI18n>['t'], a: ReviewAnnotation, index: number): string {
  return a.annotator ? t('review.item.annotatorNamed', { name: a.annotator.username }) : t('review.item.annotator', { n: index + 1 });
}

export function SideBySide({ schema, annotations, diffs, selected, onSelect, media = null }: Props) {
  const { t } = useI18n();
  if (annotations.length === 0) return <p>{t('review.item.noAnnotations')}</p>;
  const blind = annotations.some((a) => a.annotator === null);
  return (
    <>
      {blind && <p className="muted">{t('review.item.blind')}</p>}
      <div className="side-by-side">
        {annotations.map((a, i) => (
          <section key={a.id} className={i === selected ? 'side selected' : 'side'} aria-label={annotatorName(t, a, i)} aria-current={i === selected ? 'true' : undefined}>
            <h3>
              {annotatorName(t, a, i)}
              {i === selected ? (
                <span className="badge active-badge">{t('review.item.selected')}</span>
              ) : (
                <button type="button" onClick={() => onSelect(i)}>
                  {t('review.item.select', { n: i + 1 })}
                </button>
              )}
            </h3>
            <p className="muted">{t('review.item.leadTime', { seconds: Math.round(a.lead_time) })}</p>
            {schema.labels.map((def, li) => {
              const d = diffs[li];
              return (
                <div key={def.name} className={d?.differs ? 'label-block differs' : 'label-block'} data-label={def.name} data-differs={d?.differs ? 'true' : 'false'}>
                  <h4>
                    {def.name} <span className="badge">{d?.differs ? t('review.item.differs') : t('review.item.same')}</span>
                  </h4>
                  {media && (def.type === 'boxes' || def.type === 'polygons') && (d?.sides[i]?.length ?? 0) > 0 && (
                    <ShapesPreview mediaUrl={media.url} width={media.width} height={media.height} items={d?.sides[i] ?? []} title={t('review.item.shapesOf', { label: def.name, who: annotatorName(t, a, i) })} />
                  )}
                  <ItemList items={d?.sides[i] ?? []} />
                </div>
              );
            })}
          </section>
        ))}
      </div>
    </>
  );
}
