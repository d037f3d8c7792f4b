import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { releaseEn } from '../i18n/release.en';
import { releaseZhHans } from '../i18n/release.zh-hans';
import { reviewEn } from '../i18n/review.en';

describe('the release catalogue', () => {
  const keys = Object.keys(releaseEn);

  it('keeps to its own key prefixes, so merging it cannot overwrite another area', () => {
    for (const k of keys) if (k !== 'nav.release') expect(k, k).toMatch(/^(release|quality)\./);
    expect(keys.filter((k) => k in reviewEn)).toEqual([]);
  });

  it('ends up in the merged catalogue unchanged', () => {
    for (const k of keys) expect(en[k as keyof typeof en], k).toBe(releaseEn[k as keyof typeof releaseEn]);
  });

  it('is fully translated: no Chinese string left equal to the English one, except codes', () => {
    const same = keys.filter((k) => releaseZhHans[k as keyof typeof releaseZhHans] === releaseEn[k as keyof typeof releaseEn]);
    expect(same).toEqual(['release.versionLabel']);
  });
});
