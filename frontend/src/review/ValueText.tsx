// A label value shown as plain text items (never HTML): used for consensus,
// predictions, expected exam answers and the side-by-side results.
import type { LabelDef } from '../core/schema';
import { useI18n } from '../i18n';
import { itemsOf, type DiffItem } from './diff';

export function ItemList({ items, empty }: { items: Pick<DiffItem, 'text' | 'shared' | 'key'>[]; empty?: string }) {
  const { t } = useI18n();
  if (items.length === 0) return <span className="muted">{empty ?? t('review.item.empty')}</span>;
  return (
    <ul className="value-items">
      {items.map((it, i) => (
        <li key={`${it.key}:${i}`} className={it.shared ? undefined : 'diff-only'}>
          <span className="text-block">{it.text}</span>
          {!it.shared && <span className="sr-only"> ({t('review.item.onlyHere')})</span>}
        </li>
      ))}
    </ul>
  );
}

export function ValueText({ def, value, data }: { def: LabelDef; value: unknown; data: Record<string, unknown> }) {
  const items = itemsOf(def, value, data).map((it) => ({ ...it, shared: true }));
  return <ItemList items={items} />;
}

/** A whole result, label by label. */
export function ResultText({ labels, result, data }: { labels: LabelDef[]; result: Record<string, unknown> | null; data: Record<string, unknown> }) {
  return (
    <dl className="result-text">
      {labels.map((def) => (
        <div key={def.name}>
          <dt>{def.name}</dt>
          <dd>
            <ValueText def={def} value={result?.[def.name]} data={data} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
