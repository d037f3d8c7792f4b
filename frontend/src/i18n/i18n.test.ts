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
