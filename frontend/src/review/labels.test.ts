import { describe, expect, it } from 'vitest';
import { translate } from '../i18n';
import type { MessageKey } from '../i18n';
import { decisionText, levelText, reasonText, statusText } from './labels';

const en = (key: MessageKey, params?: Record<string, string | number>) => translate('en', key, params);
const zh = (key: MessageKey, params?: Record<string, string | number>) => translate('zh-hans', key, params);

describe('review labels', () => {
  it('names levels in both languages', () => {
    expect(levelText(en, 4)).toBe('Level 4 · Expert');
    expect(levelText(zh, 3)).toBe('3 级 · 资深');
    expect(levelText(en, 9)).toBe('Level 9 · 9');
  });

  it('translates known routing reasons, with their label, and shows unknown codes as they came', () => {
    expect(reasonText(en, { code: 'low_agreement', label: 'sentiment' })).toBe('Annotators disagree (sentiment)');
    expect(reasonText(zh, 'sample')).toBe('抽样审核');
    expect(reasonText(en, { code: 'new_rule_x' })).toBe('new_rule_x');
  });

  it('translates decisions and task statuses, passing unknown ones through', () => {
    expect(decisionText(en, 'fix')).toBe('fixed');
    expect(statusText(zh, 'accepted')).toBe(translate('zh-hans', 'status.accepted'));
    expect(statusText(en, 'archived')).toBe('archived');
  });
});
