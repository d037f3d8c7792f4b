// The two table shapes the release pages use: a list with column headers, and facts (a header per row).
import type { ReactNode } from 'react';

export interface Row {
  key: string | number;
  cells: ReactNode[];
}

/** Columns with headers; the caption names the table for screen readers (and tests), shown when `showCaption`. */
export function DataTable({ caption, headers, rows, showCaption = false }: { caption: string; headers: string[]; rows: Row[]; showCaption?: boolean }) {
  return (
    <table className="table">
      <caption className={showCaption ? undefined : 'sr-only'} style={showCaption ? { textAlign: 'left', fontWeight: 600 } : undefined}>
        {caption}
      </caption>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h} scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            {r.cells.map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One fact per row: its name as the row header, then its value. `false` entries are left out. */
export function FactTable({ facts, caption }: { facts: ([string, ReactNode] | false | null | undefined)[]; caption?: string }) {
  return (
    <table className="table">
      {caption && <caption className="sr-only">{caption}</caption>}
      <tbody>
        {facts
          .filter((f): f is [string, ReactNode] => Array.isArray(f))
          .map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
