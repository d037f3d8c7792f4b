import { useEffect, useState } from 'react';
import type { CotValue, LabelDef } from '../../core/schema';
import { useI18n } from '../../i18n';
import { asString, type FieldProps } from '../controller';

type RatingDef = Extract<LabelDef, { type: 'rating' }>;
type TextDef = Extract<LabelDef, { type: 'text' }>;
type PrefDef = Extract<LabelDef, { type: 'preference' }>;
type CotDef = Extract<LabelDef, { type: 'chain_of_thought' }>;

export function RatingField({ def, value, onChange, register }: FieldProps<RatingDef, number | null>) {
  const { t } = useI18n();
  const values: number[] = [];
  for (let v = def.min; v <= def.max; v++) values.push(v);
  useEffect(() => {
    register({
      option: (n) => {
        // keys count from the lowest value: with min=0, key 1 is 0
        const v = values[n - 1];
        if (v !== undefined) onChange(v);
      },
    });
    return () => register(null);
  });
  return (
    <div className="options" role="group" aria-label={def.name}>
      {values.map((v, i) => (
        <button key={v} type="button" aria-pressed={value === v} className={value === v ? 'option on' : 'option'} onClick={() => onChange(v)}>
          {i < 9 && values.length > 1 && i + 1 !== v && <kbd aria-hidden="true">{i + 1}</kbd>}
          {t('rating.value', { n: v })}
        </button>
      ))}
      {value !== null && (
        <button type="button" className="link" onClick={() => onChange(null)}>
          {t('rating.clear')}
        </button>
      )}
    </div>
  );
}

export function TextField({ def, value, onChange, register }: FieldProps<TextDef, string>) {
  const { t } = useI18n();
  useEffect(() => {
    register({});
    return () => register(null);
  });
  return (
    <label className="block">
      <span className="sr-only">{def.name}</span>
      <textarea aria-label={def.name} value={value} placeholder={t('text.placeholder')} rows={3} onChange={(e) => onChange(e.target.value, `text:${def.name}`)} />
    </label>
  );
}

export function PreferenceField({ def, value, data, onChange, register }: FieldProps<PrefDef, string | null>) {
  const { t } = useI18n();
  const [a, b] = def.between;
  useEffect(() => {
    register({
      option: (n) => {
        const side = n === 1 ? a : n === 2 ? b : undefined;
        if (side !== undefined) onChange(value === side ? null : side);
      },
    });
    return () => register(null);
  });
  const sides: [string, string][] = [
    [a, t('pref.a')],
    [b, t('pref.b')],
  ];
  return (
    <div className="pref">
      {sides.map(([key, title], i) => (
        <div key={key} className={value === key ? 'pref-side on' : 'pref-side'}>
          <h4>
            {title} <span className="muted">({key})</span>
          </h4>
          <div className="text-block">{asString(data[key])}</div>
          <button type="button" aria-pressed={value === key} className={value === key ? 'option on' : 'option'} onClick={() => onChange(value === key ? null : key)}>
            <kbd aria-hidden="true">{i + 1}</kbd>
            {t('pref.choose', { side: title })}
          </button>
        </div>
      ))}
    </div>
  );
}

export function CotField({ def, value, data, onChange, register }: FieldProps<CotDef, CotValue>) {
  const { t } = useI18n();
  const [focusStep, setFocusStep] = useState<number | null>(null);
  useEffect(() => {
    register({});
    return () => register(null);
  });
  const steps = value.steps;
  const set = (next: Partial<CotValue>, key?: string) => onChange({ steps, answer: value.answer, ...next }, key);
  const move = (i: number, d: -1 | 1) => {
    const j = i + d;
    if (j < 0 || j >= steps.length) return;
    const s = [...steps];
    [s[i], s[j]] = [s[j] ?? '', s[i] ?? ''];
    set({ steps: s });
  };
  return (
    <div className="cot">
      {data[def.on] !== undefined && (
        <div>
          <h4>{t('cot.question')}</h4>
          <div className="text-block">{asString(data[def.on])}</div>
        </div>
      )}
      <h4>{t('cot.steps')}</h4>
      <ol>
        {steps.map((s, i) => (
          <li key={i}>
            <textarea aria-label={t('cot.step', { n: i + 1 })} rows={2} value={s} autoFocus={focusStep === i} onChange={(e) => set({ steps: steps.map((x, k) => (k === i ? e.target.value : x)) }, `cot:${def.name}:${i}`)} />
            <span className="row-buttons">
              <button type="button" aria-label={t('cot.up', { n: i + 1 })} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
              <button type="button" aria-label={t('cot.down', { n: i + 1 })} disabled={i === steps.length - 1} onClick={() => move(i, 1)}>↓</button>
              <button type="button" aria-label={t('cot.removeStep', { n: i + 1 })} onClick={() => set({ steps: steps.filter((_, k) => k !== i) })}>✕</button>
            </span>
          </li>
        ))}
      </ol>
      <button
        type="button"
        onClick={() => {
          setFocusStep(steps.length);
          set({ steps: [...steps, ''] });
        }}
      >
        {t('cot.addStep')}
      </button>
      <label>
        {t('cot.answer')}
        <input type="text" value={value.answer} onChange={(e) => set({ answer: e.target.value }, `cot:${def.name}:answer`)} />
      </label>
    </div>
  );
}
