import { useEffect } from 'react';
import type { LabelDef } from '../../core/schema';
import type { FieldProps } from '../controller';

type ChoiceDef = Extract<LabelDef, { type: 'choice' }>;
type MultiDef = Extract<LabelDef, { type: 'multi_choice' }>;

export function ChoiceField({ def, value, onChange, register }: FieldProps<ChoiceDef, string | null>) {
  useEffect(() => {
    register({
      option: (n) => {
        const o = def.options[n - 1];
        if (o !== undefined) onChange(value === o ? null : o);
      },
    });
    return () => register(null);
  });
  return (
    <div className="options" role="group" aria-label={def.name}>
      {def.options.map((o, i) => (
        <button key={o} type="button" aria-pressed={value === o} className={value === o ? 'option on' : 'option'} onClick={() => onChange(value === o ? null : o)}>
          {i < 9 && <kbd aria-hidden="true">{i + 1}</kbd>}
          {o}
        </button>
      ))}
    </div>
  );
}

export function MultiChoiceField({ def, value, onChange, register }: FieldProps<MultiDef, string[]>) {
  const toggle = (o: string) => {
    const set = new Set(value);
    if (set.has(o)) set.delete(o);
    else set.add(o);
    onChange(def.options.filter((x) => set.has(x)));
  };
  useEffect(() => {
    register({
      option: (n) => {
        const o = def.options[n - 1];
        if (o !== undefined) toggle(o);
      },
    });
    return () => register(null);
  });
  return (
    <div className="options" role="group" aria-label={def.name}>
      {def.options.map((o, i) => (
        <button key={o} type="button" aria-pressed={value.includes(o)} className={value.includes(o) ? 'option on' : 'option'} onClick={() => toggle(o)}>
          {i < 9 && <kbd aria-hidden="true">{i + 1}</kbd>}
          {o}
        </button>
      ))}
    </div>
  );
}
