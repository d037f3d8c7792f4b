// Picks the component for a label type and hands it its slice of the result.
import type { CotValue, LabelDef } from '../core/schema';
import type { Span } from '../core/spans';
import type { FieldController } from './controller';
import { ChoiceField, MultiChoiceField } from './fields/ChoiceFields';
import { ImageField } from './fields/ImageField';
import { CotField, PreferenceField, RatingField, TextField } from './fields/SimpleFields';
import { SpansField } from './fields/SpansField';

interface Props {
  def: LabelDef;
  value: unknown;
  data: Record<string, unknown>;
  mediaUrl: string | null;
  mediaSize: { width: number; height: number } | null;
  active: boolean;
  onChange: (value: unknown, coalesceKey?: string) => void;
  register: (ctrl: FieldController | null) => void;
}

export function FieldView({ def, value: v, ...common }: Props) {
  switch (def.type) {
    case 'choice':
      return <ChoiceField {...common} def={def} value={typeof v === 'string' ? v : null} />;
    case 'multi_choice':
      return <MultiChoiceField {...common} def={def} value={Array.isArray(v) ? (v as string[]) : []} />;
    case 'spans':
      return <SpansField {...common} def={def} value={Array.isArray(v) ? (v as Span[]) : []} />;
    case 'boxes':
    case 'polygons':
      return <ImageField {...common} def={def} value={Array.isArray(v) ? (v as never[]) : []} />;
    case 'rating':
      return <RatingField {...common} def={def} value={typeof v === 'number' ? v : null} />;
    case 'text':
      return <TextField {...common} def={def} value={typeof v === 'string' ? v : ''} />;
    case 'preference':
      return <PreferenceField {...common} def={def} value={typeof v === 'string' ? v : null} />;
    case 'chain_of_thought': {
      const cot = (v ?? { steps: [], answer: '' }) as Partial<CotValue>;
      const value = { steps: Array.isArray(cot.steps) ? cot.steps : [], answer: typeof cot.answer === 'string' ? cot.answer : '' };
      return <CotField {...common} def={def} value={value} />;
    }
  }
}
