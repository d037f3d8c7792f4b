import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhHans } from './zh-hans';

describe('catalogue', () => {
  it('has a Chinese string for every English key and no extras', () => {
    expect(Object.keys(zhHans).sort()).toEqual(Object.keys(en).sort());
  });

  it('keeps the same placeholders in both languages', () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [k, v] of Object.entries(en)) expect(names(zhHans[k as keyof typeof en]), k).toEqual(names(v));
  });
});

import { detectLanguage, format } from './detect';

describe('language detection', () => {
  it('picks Simplified Chinese for any Chinese browser locale', () => {
    expect(detectLanguage(['zh-CN', 'en'])).toBe('zh-hans');
    expect(detectLanguage(['zh'])).toBe('zh-hans');
  });

  it('follows the first language the catalogue knows, else English', () => {
    expect(detectLanguage(['fr-FR', 'en-GB', 'zh-CN'])).toBe('en');
    expect(detectLanguage(['fr-FR', 'zh-TW'])).toBe('zh-hans');
    expect(detectLanguage([])).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('任务 #{id}（{x}）', { id: 7 })).toBe('任务 #7（{x}）');
  });
});
