// Pages of the release area. App.tsx asks this module first; null means "not one of mine".
import type { ReactNode } from 'react';

export function releaseRoute(_path: string): ReactNode | null {
  return null;
}
