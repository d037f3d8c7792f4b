// English strings of the release pages; merged into the one catalogue by en.ts.
export const releaseEn = {
  'nav.release': 'Releases',
} as const;
