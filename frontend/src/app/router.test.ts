import { describe, expect, it } from 'vitest';
import { matchPath } from './router';

describe('routes', () => {
  it('matches a pattern and decodes its parameters', () => {
    expect(matchPath('/projects/:id/annotate', '/projects/12/annotate')).toEqual({ id: '12' });
    expect(matchPath('/projects/:id/annotate', '/projects/12/annotate/')).toEqual({ id: '12' });
  });

  it('refuses other paths', () => {
    expect(matchPath('/projects/:id/annotate', '/projects/12/edit')).toBeNull();
    expect(matchPath('/projects/new', '/projects/new/extra')).toBeNull();
  });
});
