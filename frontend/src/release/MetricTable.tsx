// Scalar metrics of a report as a two-column table; key names are translated where the catalogue
// knows them (release.metric.<key>), else shown as the server named them.
import { en } from '../i18n/en';
import { useI18n, type MessageKey } from '../i18n';
import { formatNumber, formatPercent } from './format';
import type { MetricRow } from './report';

export function MetricTable({ rows, caption }: { rows: MetricRow[]; caption: string }) {
  const { t, lang } = useI18n();
  const name = (key: string) => {
    const k = `release.metric.${key}`;
    return k in en ? t(k as MessageKey) : key.replace(/_/g, ' ');
  };
  const value = (r: MetricRow) => {
    if (r.value === null) return t('common.none');
    if (typeof r.value === 'boolean') return t(r.value ? 'common.yes' : 'common.no');
    if (typeof r.value === 'number') return r.percent ? formatPercent(r.value, lang) : formatNumber(r.value, lang);
    return r.value;
  };
  return (
    <table className="table">
      <caption className="sr-only">{caption}</caption>
      <tbody>
        {rows.map((r) => (
          <tr key={r.path.join('.')}>
            <th scope="row" style={{ width: '55%' }}>{r.path.map(name).join(' › ')}</th>
            <td>{value(r)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
