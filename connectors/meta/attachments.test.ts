import { describe, expect, it } from 'vitest';
import { messageAttachments } from './attachments.ts';

describe('messageAttachments', () => {
  it('maps Messenger and Instagram attachment types, keeping the URL', () => {
    expect(messageAttachments([
      { type: 'image', payload: { url: 'https://a/1.jpg' } },
      { type: 'animated_image', payload: { url: 'https://a/2.gif' } },
      { type: 'ig_reel', payload: { url: 'https://a/3.mp4', title: 'reel' } },
      { type: 'audio', payload: { url: 'https://a/4.mp4' } },
      { type: 'fallback', payload: { url: 'https://example.com/', title: 'a link' } },
      { type: 'template', payload: { template_type: 'generic' } },
    ])).toEqual([
      { type: 'photo', url: 'https://a/1.jpg' },
      { type: 'animated_gif', url: 'https://a/2.gif' },
      { type: 'video', url: 'https://a/3.mp4' },
      { type: 'file', url: 'https://a/4.mp4' },
      { type: 'link', url: 'https://example.com/' },
      { type: 'other' },
    ]);
  });

  it('leaves out what is not an attachment, and gives undefined for none', () => {
    expect(messageAttachments([null, 3, { payload: {} }, { type: 'image', payload: { url: 7 } }])).toEqual([{ type: 'photo' }]);
    expect(messageAttachments([])).toBeUndefined();
    expect(messageAttachments(undefined)).toBeUndefined();
  });
});
