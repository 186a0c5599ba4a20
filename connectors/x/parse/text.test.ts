import { describe, expect, it } from 'vitest';
import { decodeText } from './text.ts';

describe('decodeText', () => {
  it('decodes once', () => {
    expect(decodeText('&amp;amp; &amp;lt; &lt;b&gt; &quot;')).toBe('&amp; &lt; <b> "');
  });

  it('leaves an unterminated "&name" as typed', () => {
    expect(decodeText('AT&T &copy 2024')).toBe('AT&T &copy 2024');
  });
});
