// The label model: a project's schema parsed into typed label definitions, the
// empty result for it, and the client-side checks run before submit. The
// server validates again; this only spares a round trip.

import type { Span } from './spans';

export type DataType = 'text' | 'image';

interface Base {
  name: string;
  required: boolean;
  description: string;
}

export type LabelDef =
  | (Base & { type: 'choice'; options: string[] })
  | (Base & { type: 'multi_choice'; options: string[] })
  | (Base & { type: 'spans'; on: string; options: string[] })
  | (Base & { type: 'boxes'; on: string; options: string[] })
  | (Base & { type: 'polygons'; on: string; options: string[] })
  | (Base & { type: 'rating'; min: number; max: number })
  | (Base & { type: 'text' })
  | (Base & { type: 'preference'; between: [string, string] })
  | (Base & { type: 'chain_of_thought'; on: string });

export type LabelType = LabelDef['type'];

export const LABEL_TYPES: readonly LabelType[] = [
  'choice',
  'multi_choice',
  'spans',
  'boxes',
  'polygons',
  'rating',
  'text',
  'preference',
  'chain_of_thought',
];

export interface Schema {
  data: Record<string, DataType>;
  labels: LabelDef[];
}

export interface BoxValue {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
}

export interface PolygonValue {
  points: [number, number][];
  label: string;
}

export interface CotValue {
  steps: string[];
  answer: string;
}

export type LabelValue = string | string[] | Span[] | BoxValue[] | PolygonValue[] | number | CotValue | null;

export type Result = Record<string, unknown>;

export class SchemaError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'SchemaError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, path: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) {
    throw new SchemaError(path, 'must be a non-empty list of strings');
  }
  return v as string[];
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new SchemaError(path, 'must be a non-empty string');
  return v;
}

/** Parse a schema loosely enough to render it; throws SchemaError on shapes the UI cannot draw. */
export function parseSchema(raw: unknown): Schema {
  if (!isObject(raw)) throw new SchemaError('schema', 'must be an object');
  const data: Record<string, DataType> = {};
  if (raw.data !== undefined) {
    if (!isObject(raw.data)) throw new SchemaError('schema.data', 'must be an object');
    for (const [k, v] of Object.entries(raw.data)) {
      if (v !== 'text' && v !== 'image') throw new SchemaError(`schema.data.${k}`, 'must be "text" or "image"');
      data[k] = v;
    }
  }
  if (!isObject(raw.labels) || Object.keys(raw.labels).length === 0) {
    throw new SchemaError('schema.labels', 'must be a non-empty object');
  }
  const labels: LabelDef[] = [];
  for (const [name, def] of Object.entries(raw.labels)) {
    const p = `schema.labels.${name}`;
    if (!isObject(def)) throw new SchemaError(p, 'must be an object');
    const base: Base = {
      name,
      required: def.required === true,
      description: typeof def.description === 'string' ? def.description : '',
    };
    switch (def.type) {
      case 'choice':
      case 'multi_choice':
        labels.push({ ...base, type: def.type, options: stringList(def.options, `${p}.options`) });
        break;
      case 'spans':
      case 'boxes':
      case 'polygons':
        labels.push({
          ...base,
          type: def.type,
          on: str(def.on ?? (def.type === 'spans' ? 'text' : 'image'), `${p}.on`),
          options: stringList(def.options, `${p}.options`),
        });
        break;
      case 'rating': {
        const min = typeof def.min === 'number' ? def.min : 1;
        const max = typeof def.max === 'number' ? def.max : 5;
        if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
          throw new SchemaError(p, 'min and max must be integers with min ≤ max');
        }
        labels.push({ ...base, type: 'rating', min, max });
        break;
      }
      case 'text':
        labels.push({ ...base, type: 'text' });
        break;
      case 'preference': {
        const between = stringList(def.between ?? ['response_a', 'response_b'], `${p}.between`);
        if (between.length !== 2) throw new SchemaError(`${p}.between`, 'must list exactly two fields');
        labels.push({ ...base, type: 'preference', between: [between[0] ?? '', between[1] ?? ''] });
        break;
      }
      case 'chain_of_thought':
        labels.push({ ...base, type: 'chain_of_thought', on: str(def.on ?? 'question', `${p}.on`) });
        break;
      default:
        throw new SchemaError(`${p}.type`, `unknown label type ${JSON.stringify(def.type)}`);
    }
  }
  return { data, labels };
}

export function emptyValue(def: LabelDef): unknown {
  switch (def.type) {
    case 'multi_choice':
    case 'spans':
    case 'boxes':
    case 'polygons':
      return [];
    case 'chain_of_thought':
      return { steps: [], answer: '' };
    case 'text':
      return '';
    default:
      return null;
  }
}

export function emptyResult(schema: Schema): Result {
  const r: Result = {};
  for (const def of schema.labels) r[def.name] = emptyValue(def);
  return r;
}

/** Start from the empty result and overlay what a prediction or a draft holds for known labels. */
export function resultFrom(schema: Schema, source: Result | null | undefined): Result {
  const r = emptyResult(schema);
  if (!source) return r;
  for (const def of schema.labels) {
    if (source[def.name] !== undefined && source[def.name] !== null) r[def.name] = source[def.name];
  }
  return r;
}

export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v) && Array.isArray(v.steps)) {
    return v.steps.length === 0 && (v.answer === '' || v.answer === undefined);
  }
  return false;
}

/**
 * The result as sent to the server: empty optional labels left out,
 * chain-of-thought steps that are blank dropped.
 */
export function serializeResult(schema: Schema, result: Result): Result {
  const out: Result = {};
  for (const def of schema.labels) {
    let v = result[def.name];
    if (def.type === 'chain_of_thought' && isObject(v)) {
      const steps = Array.isArray(v.steps) ? (v.steps as unknown[]).filter((s) => typeof s === 'string' && s.trim() !== '') : [];
      v = { steps, answer: typeof v.answer === 'string' ? v.answer : '' };
    }
    if (!isEmptyValue(v)) out[def.name] = v;
  }
  return out;
}

/** Names of required labels that are still empty. */
export function missingRequired(schema: Schema, result: Result): string[] {
  return schema.labels.filter((d) => d.required && isEmptyValue(result[d.name])).map((d) => d.name);
}

/** Labels of a type that draw on data (spans on text, shapes on image). */
export function labelsOn(schema: Schema, dataKey: string): LabelDef[] {
  return schema.labels.filter((d) => 'on' in d && d.on === dataKey);
}

/** A plausible sample task for the live preview of a schema. */
export function sampleData(schema: Schema): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(schema.data)) data[k] = t === 'text' ? '北京智标科技 Zhibiao annotates data in Beijing.' : '';
  for (const def of schema.labels) {
    if (def.type === 'preference') {
      data[def.between[0]] ??= 'Response A …';
      data[def.between[1]] ??= 'Response B …';
    }
    if ((def.type === 'chain_of_thought' || def.type === 'spans') && data[def.on] === undefined) {
      data[def.on] = def.type === 'spans' ? '北京智标科技 Zhibiao annotates data in Beijing.' : '1 + 1 = ?';
    }
  }
  return data;
}
