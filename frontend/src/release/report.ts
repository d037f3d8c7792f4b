// Turning one criterion of a release's quality report (docs/release.md, "Quality report") into what
// the page shows: the distributions to draw as bars, the learning curves to draw as lines, and the
// remaining scalar metrics as rows of a table. The report is nested JSON that its owner extends;
// walking it by shape (a `counts` object, a `learning_curve` list) keeps new keys visible.

export type Scalar = string | number | boolean | null;

export interface MetricRow {
  /** key path from the criterion, e.g. ["duplicates", "rate"] */
  path: string[];
  value: Scalar;
  /** a share in [0, 1] to show as a percentage */
  percent: boolean;
}

export interface Distribution {
  path: string[];
  counts: Record<string, number>;
  entropyBits: number | null;
  normalizedEntropy: number | null;
}

export interface CurvePoint {
  x: number;
  y: number | null;
  fraction: number | null;
  trainSize: number | null;
}

export interface Curve {
  path: string[];
  points: CurvePoint[];
}

export interface CriterionView {
  summary: string[];
  rows: MetricRow[];
  distributions: Distribution[];
  curves: Curve[];
  notes: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const PERCENT = /(^|_)(rate|coverage|accuracy|baseline|share|agreement)$/;
const NOTE_KEYS = new Set(['reason', 'note', 'notes']);
const MAX_DEPTH = 4;

function isCounts(v: unknown): v is Record<string, number> {
  return isObj(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => num(x) !== null);
}

function curvePoints(v: unknown): CurvePoint[] | null {
  if (!Array.isArray(v) || v.length === 0 || !v.every(isObj)) return null;
  return v.map((p, i) => {
    const trainSize = num(p.train_size ?? p.size ?? p.n);
    const fraction = num(p.fraction);
    return { x: trainSize ?? fraction ?? i, y: num(p.accuracy ?? p.score), fraction, trainSize };
  });
}

/** Everything the page needs from one criterion of the report. */
export function criterionView(criterion: unknown): CriterionView {
  const view: CriterionView = { summary: [], rows: [], distributions: [], curves: [], notes: [] };
  if (!isObj(criterion)) return view;
  const summary = criterion.summary;
  if (typeof summary === 'string' && summary) view.summary.push(summary);
  else if (Array.isArray(summary)) view.summary.push(...summary.filter((s): s is string => typeof s === 'string'));

  const walk = (obj: Obj, path: string[]) => {
    for (const [key, v] of Object.entries(obj)) {
      if (path.length === 0 && key === 'summary') continue;
      const here = [...path, key];
      if (key === 'counts' && isCounts(v)) {
        view.distributions.push({ path, counts: v, entropyBits: num(obj.entropy_bits), normalizedEntropy: num(obj.normalized_entropy) });
      } else if (key === 'learning_curve') {
        const points = curvePoints(v);
        if (points) view.curves.push({ path, points });
      } else if (NOTE_KEYS.has(key) && typeof v === 'string') {
        view.notes.push(path.length > 0 ? `${path.join(' › ')}: ${v}` : v);
      } else if (isObj(v)) {
        if (here.length < MAX_DEPTH) walk(v, here);
      } else if (Array.isArray(v)) {
        // Lists of scalars read as one value; lists of objects (examples, errors) stay in the raw JSON.
        if (v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) {
          view.rows.push({ path: here, value: v.length > 0 ? v.join(', ') : null, percent: false });
        }
      } else {
        view.rows.push({ path: here, value: v as Scalar, percent: PERCENT.test(key) && typeof v === 'number' });
      }
    }
  };
  walk(criterion, []);
  return view;
}

export const CRITERIA = ['structure', 'diversity', 'accuracy', 'adaptability'] as const;
export type CriterionName = (typeof CRITERIA)[number];
