import { showItem } from './tool-result';

describe('showItem', () => {
  it('pretty-prints text that is JSON and keeps other text as is', () => {
    expect(showItem({ type: 'text', text: '{"a":1}' })).toEqual({
      kind: 'json',
      text: '{\n  "a": 1\n}',
    });
    expect(showItem({ type: 'text', text: '{not json' })).toEqual({
      kind: 'text',
      text: '{not json',
    });
    expect(showItem({ type: 'text', text: 'hello' })).toEqual({ kind: 'text', text: 'hello' });
  });

  it('turns images into data URLs', () => {
    expect(showItem({ type: 'image', data: 'AAAA', mimeType: 'image/png' })).toEqual({
      kind: 'image',
      src: 'data:image/png;base64,AAAA',
      alt: 'image/png',
    });
  });

  it('shows embedded resources as text and anything unknown as JSON', () => {
    expect(showItem({ type: 'resource', resource: { uri: 'x://y', text: 'body' } })).toEqual({
      kind: 'text',
      text: 'body',
    });
    expect(showItem({ type: 'resource_link', uri: 'x://y' }).kind).toBe('json');
  });
});
