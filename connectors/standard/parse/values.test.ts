import { describe, expect, it } from 'vitest';
import { asActivity, asCount, asHandle, asId, asInstant, asNetwork, asSentiment, asText, asTopics, asUrl, keyPart } from './values.ts';

describe('profile values', () => {
  it('times: epoch ms or s by magnitude, ISO with any zone spelling, as UTC with milliseconds', () => {
    expect(asInstant(1647505461000)).toBe('2022-03-17T08:24:21.000Z');
    expect(asInstant(1647505461)).toBe('2022-03-17T08:24:21.000Z');
    expect(asInstant('1647505461000')).toBe('2022-03-17T08:24:21.000Z');
    expect(asInstant('2019-10-10T17:48:54.588+0000')).toBe('2019-10-10T17:48:54.588Z');
    expect(asInstant('2019-10-10T19:48:54.588+02:00')).toBe('2019-10-10T17:48:54.588Z');
    expect(asInstant('2019-10-10T12:48:54-0500')).toBe('2019-10-10T17:48:54.000Z');
    expect(asInstant('2022-11-03T20:26:10.344522Z')).toBe('2022-11-03T20:26:10.344Z');
    expect(asInstant('2022-11-03 20:26:10')).toBe('2022-11-03T20:26:10.000Z');
    expect(asInstant('2022-11-03')).toBe('2022-11-03T00:00:00.000Z');
    for (const bad of ['2019-02-30T00:00:00Z', '2019-10-10T25:00:00Z', 'yesterday', '', -5, Number.NaN, 1e20, null, {}, '99999-01-01']) {
      expect(asInstant(bad), String(bad)).toBeUndefined();
    }
  });

  it('networks in the model\'s spelling', () => {
    expect(asNetwork('Twitter')).toBe('twitter');
    expect(asNetwork('MESSAGEBOARD_OTHER')).toBe('messageboard-other');
    expect(asNetwork(' news/blogs ')).toBe('news-blogs');
    for (const bad of ['', '---', '123', '4chan', 5, null]) expect(asNetwork(bad), String(bad)).toBeUndefined();
  });

  it('ids: strings, exact numbers; never a rounded number', () => {
    expect(asId('abc')).toBe('abc');
    expect(asId(5603453321)).toBe('5603453321');
    expect(asId(2 ** 53 + 2)).toBeUndefined();
    expect(asId('  ')).toBeUndefined();
    expect(asId('x'.repeat(513))).toBeUndefined();
    expect(asId({ id: 1 })).toBeUndefined();
  });

  it('key parts stay short and stable', () => {
    expect(keyPart('short')).toBe('short');
    const long = 'https://example.com/' + 'a'.repeat(300);
    expect(keyPart(long)).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(keyPart(long)).toBe(keyPart(long));
  });

  it('text, handles, URLs, counts, topics, activities', () => {
    expect(asText('hi')).toBe('hi');
    expect(asText(3)).toBe('3');
    expect(asText('   ')).toBeUndefined();
    expect(asText(['a'])).toBeUndefined();
    expect(asHandle('@edwards0819')).toBe('edwards0819');
    expect(asUrl('http://twitter.com/1/statuses/1')).toBe('http://twitter.com/1/statuses/1');
    expect(asUrl('javascript:alert(1)')).toBeUndefined();
    expect(asUrl('not a url')).toBeUndefined();
    expect(asCount(48)).toBe(48);
    expect(asCount('1200')).toBe(1200);
    expect(asCount(2.6)).toBe(3);
    expect(asCount(-1)).toBeUndefined();
    expect(asCount(null)).toBeUndefined();
    expect(asTopics(['TEXT', '', 'TEXT', 'Video'])).toEqual(['TEXT', 'Video']);
    expect(asTopics('Tech')).toEqual(['Tech']);
    expect(asTopics([])).toBeUndefined();
    expect(asActivity('Comment')).toBe('comment');
    expect(asActivity('contact')).toBeUndefined();
  });

  it('sentiment: a linear scale onto -1…1, or labels; outside the scale dropped', () => {
    const talkwalker = { scale: [-5, 5] as const };
    expect(asSentiment(-5, talkwalker)).toBe(-1);
    expect(asSentiment(3, talkwalker)).toBe(0.6);
    expect(asSentiment(0, talkwalker)).toBe(0);
    expect(asSentiment('5', talkwalker)).toBe(1);
    expect(asSentiment(6, talkwalker)).toBeUndefined();
    expect(asSentiment('n/a', talkwalker)).toBeUndefined();
    expect(asSentiment(75, { scale: [0, 100] })).toBe(0.5);
    const labels = { labels: new Map([['positive', 1], ['neutral', 0], ['negative', -1]]) };
    expect(asSentiment('Negative', labels)).toBe(-1);
    expect(asSentiment('neutral', labels)).toBe(0);
    expect(asSentiment('mixed', labels)).toBeUndefined();
    expect(asSentiment(1, labels)).toBeUndefined();
  });
});
