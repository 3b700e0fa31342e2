import { base64Bytes, formatBytes, showResource, showText } from './content-view';

describe('content helpers', () => {
  it('counts the bytes a base64 string decodes to', () => {
    expect(base64Bytes('')).toBe(0);
    expect(base64Bytes('AA==')).toBe(1);
    expect(base64Bytes('AAE=')).toBe(2);
    expect(base64Bytes('AAEC')).toBe(3);
    expect(base64Bytes('AAEC\nAwQ=')).toBe(5);
  });

  it('formats sizes', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('pretty-prints JSON by mime type or by look', () => {
    expect(showText(' 42 ', 'application/json')).toEqual({ kind: 'json', text: '42' });
    expect(showText('[1]')).toEqual({ kind: 'json', text: '[\n  1\n]' });
    expect(showText('42')).toEqual({ kind: 'text', text: '42' });
  });

  it('plays image and audio blobs inline and names downloads after the uri', () => {
    const image = showResource({
      uri: 'img://cat%20photo.png?x=1',
      mimeType: 'image/png',
      blob: 'AAAA',
    });
    expect(image.body).toEqual({
      kind: 'blob',
      bytes: 3,
      href: 'data:image/png;base64,AAAA',
      filename: 'cat photo.png',
      media: 'image',
    });
    const audio = showResource({ uri: 'snd://beep', mimeType: 'audio/ogg', blob: 'AAAA' });
    expect(audio.body.kind === 'blob' && audio.body.media).toBe('audio');
    expect(showResource({ uri: 'x://' }).body).toEqual({ kind: 'empty' });
  });
});
