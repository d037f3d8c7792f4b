// English strings of the review pages; merged into the one catalogue by en.ts.
export const reviewEn = {
  'nav.review': 'Review',
} as const;
