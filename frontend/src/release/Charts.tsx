// Small SVG charts, no library. Each is an image with a spoken summary (role="img" + aria-label)
// followed by the same numbers as a table, so nothing is only visible as a picture.
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { bars, extent, heatShade, linearScale, linePath, matrixMax, niceTicks, type Point } from './charts';

const ACCENT = '#1f5fd1';
const MUTED = '#6b7280';
const LINE = '#d9dde3';
export const PALETTE = ['#1f5fd1', '#e0a800', '#237a3b', '#b42318', '#7c3aed', '#0e7490', '#c2410c', '#4b5563'];

interface Column {
  header: string;
  cells: ReactNode[];
}

/** The figure, then its data as a table the user can open (and screen readers can read). */
function Figure({ children, columns, caption }: { children: ReactNode; columns: Column[]; caption: string }) {
  const { t } = useI18n();
  const rows = columns[0]?.cells.length ?? 0;
  return (
    <figure className="chart" style={{ margin: '0.6em 0' }}>
      {children}
      <details>
        <summary className="muted">{t('release.chart.showTable')}</summary>
        <table className="table">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col">{c.header}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c.header}>{c.cells[i]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export interface LinePoint extends Point {
  label: string;
}

/** A line over x (numbers: days, training sizes…) with round y ticks; nulls break the line. */
export function LineChart(props: {
  label: string;
  points: LinePoint[];
  xHeader: string;
  yHeader: string;
  formatY: (v: number | null) => string;
  yDomain?: [number, number];
  width?: number;
  height?: number;
}) {
  const { label, points, xHeader, yHeader, formatY, width = 560, height = 220 } = props;
  const pad = { left: 48, right: 16, top: 12, bottom: 34 };
  const xs = extent(points.map((p) => p.x)) ?? [0, 1];
  const ys = props.yDomain ?? extent(points.map((p) => p.y)) ?? [0, 1];
  const x = linearScale(xs, [pad.left, width - pad.right]);
  const y = linearScale(ys, [height - pad.bottom, pad.top]);
  const ticks = niceTicks(ys[0], ys[1], 4);
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  return (
    <Figure caption={label} columns={[{ header: xHeader, cells: points.map((p) => p.label) }, { header: yHeader, cells: points.map((p) => formatY(p.y)) }]}>
      <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width, background: '#fff' }}>
        {ticks.map((tv) => (
          <g key={tv}>
            <line x1={pad.left} x2={width - pad.right} y1={y(tv)} y2={y(tv)} stroke={LINE} />
            <text x={pad.left - 6} y={y(tv) + 4} textAnchor="end" fontSize="11" fill={MUTED}>{formatY(tv)}</text>
          </g>
        ))}
        {points.map((p, i) =>
          i % labelEvery === 0 || i === points.length - 1 ? (
            <text key={`x${i}`} x={x(p.x)} y={height - pad.bottom + 16} textAnchor="middle" fontSize="11" fill={MUTED}>{p.label}</text>
          ) : null,
        )}
        <path d={linePath(points, x, y)} fill="none" stroke={ACCENT} strokeWidth={2} />
        {points.map((p, i) => (p.y === null ? null : <circle key={`p${i}`} cx={x(p.x)} cy={y(p.y)} r={3} fill={ACCENT} />))}
      </svg>
    </Figure>
  );
}

/** Horizontal bars, one per category, with the value at the end of each bar. */
export function BarChart({ label, counts, header, valueHeader, formatValue, sort = true }: {
  label: string;
  counts: Record<string, number>;
  header: string;
  valueHeader: string;
  formatValue: (v: number) => string;
  sort?: boolean;
}) {
  const width = 560;
  const labelW = 140;
  const row = 22;
  const rows = bars(counts, width - labelW - 80, { sort });
  const height = Math.max(row, rows.length * row) + 4;
  return (
    <Figure caption={label} columns={[{ header, cells: rows.map((r) => r.label) }, { header: valueHeader, cells: rows.map((r) => formatValue(r.value)) }]}>
      <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width, background: '#fff' }}>
        {rows.map((r, i) => (
          <g key={r.label} transform={`translate(0, ${i * row + 2})`}>
            <text x={labelW - 6} y={14} textAnchor="end" fontSize="12" fill="#1d2129">{r.label.length > 20 ? `${r.label.slice(0, 19)}…` : r.label}</text>
            <rect x={labelW} y={3} height={row - 8} width={Math.max(r.length, r.value > 0 ? 1 : 0)} fill={PALETTE[i % PALETTE.length]} rx={2} />
            <text x={labelW + r.length + 6} y={14} fontSize="12" fill={MUTED}>{formatValue(r.value)}</text>
          </g>
        ))}
      </svg>
    </Figure>
  );
}

/** One bar split into parts (e.g. auto-accepted vs sent to review), with a legend. */
export function ShareBar({ label, parts, header, valueHeader, formatValue }: {
  label: string;
  parts: { label: string; value: number }[];
  header: string;
  valueHeader: string;
  formatValue: (share: number) => string;
}) {
  const width = 560;
  const total = parts.reduce((s, p) => s + Math.max(0, p.value), 0);
  let at = 0;
  return (
    <Figure caption={label} columns={[{ header, cells: parts.map((p) => p.label) }, { header: valueHeader, cells: parts.map((p) => formatValue(total > 0 ? p.value / total : 0)) }]}>
      <svg role="img" aria-label={label} viewBox={`0 0 ${width} 52`} width="100%" style={{ maxWidth: width, background: '#fff' }}>
        {parts.map((p, i) => {
          const w = total > 0 ? (Math.max(0, p.value) / total) * width : 0;
          const rect = <rect key={`r${i}`} x={at} y={0} width={w} height={24} fill={PALETTE[i % PALETTE.length]} />;
          at += w;
          return rect;
        })}
        {parts.map((p, i) => (
          <g key={`l${i}`} transform={`translate(${i * 200}, 32)`}>
            <rect width={12} height={12} fill={PALETTE[i % PALETTE.length]} />
            <text x={16} y={11} fontSize="12" fill="#1d2129">{`${p.label} ${formatValue(total > 0 ? p.value / total : 0)}`}</text>
          </g>
        ))}
      </svg>
    </Figure>
  );
}

/** A confusion (coincidence) matrix as a real table whose cells are shaded by their count. */
export function HeatmapTable({ caption, options, matrix, rowHeader }: { caption: string; options: string[]; matrix: number[][]; rowHeader: string }) {
  const max = matrixMax(matrix);
  return (
    <table className="table heatmap" style={{ width: 'auto' }}>
      <caption style={{ textAlign: 'left', fontWeight: 600 }}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{rowHeader}</th>
          {options.map((o) => (
            <th key={o} scope="col">{o}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {options.map((o, i) => (
          <tr key={o}>
            <th scope="row">{o}</th>
            {options.map((o2, j) => {
              const v = matrix[i]?.[j] ?? 0;
              const shade = heatShade(v, max);
              return (
                <td key={o2} style={{ background: shade.background, color: shade.color, textAlign: 'right', minWidth: '3em', fontWeight: i === j ? 700 : 400 }}>
                  {v}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
