import { describe, expect, it } from 'vitest';
import { collectFieldErrors, errorMessages } from './client';

describe('server error bodies', () => {
  it('keeps dotted DRF paths as they come', () => {
    const body = { 'result.entities[2].end': ['is past the end of the text (12 characters)'] };
    expect(errorMessages(body)).toEqual(['result.entities[2].end: is past the end of the text (12 characters)']);
  });

  it('flattens nested errors into paths', () => {
    expect(collectFieldErrors({ schema: { labels: { sentiment: { options: ['必须是非空列表'] } } } })).toEqual({
      'schema.labels.sentiment.options': ['必须是非空列表'],
    });
  });

  it('shows a detail without a path', () => {
    expect(errorMessages({ detail: '没有权限。' })).toEqual(['没有权限。']);
  });
});
