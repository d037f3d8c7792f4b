// Pages of the pre-labeling area. App.tsx asks this module first; null means "not one of mine".
import type { ReactNode } from 'react';

export function prelabelRoute(_path: string): ReactNode | null {
  return null;
}
