// English strings of the pre-labeling pages; merged into the one catalogue by en.ts.
export const prelabelEn = {
  'nav.prelabel': 'Pre-labeling',
} as const;
