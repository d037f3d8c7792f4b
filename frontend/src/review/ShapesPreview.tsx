// One annotation's boxes or polygons drawn over the task image, those not found
// in every other annotation in red and dashed, so a reviewer sees the difference.
import { useI18n } from '../i18n';
import type { DiffItem } from './diff';

interface Props {
  mediaUrl: string;
  width: number;
  height: number;
  items: DiffItem[];
  title: string;
}

export function ShapesPreview({ mediaUrl, width, height, items, title }: Props) {
  const { t } = useI18n();
  const stroke = Math.max(2, Math.round(Math.max(width, height) / 250));
  return (
    <svg className="shapes-preview" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <image href={mediaUrl} x={0} y={0} width={width} height={height} />
      {items.map((it, i) => {
        const style = { fill: 'none', stroke: it.shared ? '#1971c2' : '#e03131', strokeWidth: stroke, strokeDasharray: it.shared ? undefined : `${stroke * 3} ${stroke * 2}` };
        const label = it.shared ? it.text : `${it.text} (${t('review.item.onlyHere')})`;
        if (it.points) return <polygon key={i} points={it.points.map((p) => p.join(',')).join(' ')} style={style}><title>{label}</title></polygon>;
        if (!it.rect) return null;
        return (
          <rect key={i} x={it.rect.x} y={it.rect.y} width={it.rect.w} height={it.rect.h} style={style}>
            <title>{label}</title>
          </rect>
        );
      })}
    </svg>
  );
}
