import { describe, expect, it } from 'vitest';
import { tokenize } from './tokens.ts';

const texts = (text: string) => tokenize(text).map((token) => `${token.kind}:${token.text}`);

describe('tokenize', () => {
  it('lowercases words, keeps apostrophes (typographic ones too) and clause punctuation', () => {
    expect(texts('I Can’t, really!')).toEqual(['word:i', "word:can't", 'break:,', 'word:really', 'break:!']);
  });

  it('drops URLs and @mentions, keeps a hashtag as its word and leaves e-mail addresses as words', () => {
    expect(texts('@acme_support see https://x.co/bad?q=1 and www.example.com #fail')).toEqual(['word:see', 'word:and', 'word:fail']);
    expect(texts('mail me@example.com')).toEqual(['word:mail', 'word:me', 'word:example', 'break:.', 'word:com']);
  });

  it('reads emoji without skin tones or variation selectors, and free-standing emoticons', () => {
    expect(texts('ok ❤️ 👍🏽 :-( <3 :D')).toEqual(['word:ok', 'emoji:❤', 'emoji:👍', 'emoji::-(', 'emoji:<3', 'emoji::d']);
    // A colon after a word is punctuation, not the start of an emoticon.
    expect(texts('Complaint: late')).toEqual(['word:complaint', 'break::', 'word:late']);
  });

  it('squeezes a letter repeated three or more times to two', () => {
    expect(texts('sooooo gooood')).toEqual(['word:soo', 'word:good']);
  });
});
