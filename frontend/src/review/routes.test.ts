import { isValidElement } from 'react';
import { describe, expect, it } from 'vitest';
import { reviewRoute } from './routes';

describe('review routes', () => {
  it('answers for its own paths and passes the id on', () => {
    const page = reviewRoute('/review/items/42');
    expect(isValidElement(page)).toBe(true);
    const inner = isValidElement<{ children: unknown }>(page) ? page.props.children : null;
    expect(isValidElement<{ itemId: number }>(inner) && inner.props.itemId).toBe(42);
    for (const p of ['/certifications', '/organizations/3/certifications', '/exams', '/exams/attempts/7', '/inbox']) {
      expect(reviewRoute(p), p).not.toBeNull();
    }
  });

  it('leaves other paths to the rest of the app', () => {
    for (const p of ['/', '/projects/1/annotate', '/review/items', '/organizations/3/members', '/releases/1']) {
      expect(reviewRoute(p), p).toBeNull();
    }
  });
});
