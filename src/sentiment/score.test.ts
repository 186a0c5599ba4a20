import { describe, expect, it } from 'vitest';
import { SENTIMENT_NEGATIVE_MAX, SENTIMENT_POSITIVE_MIN, scoreSentiment, sentimentLabel } from './index.ts';

const score = (text: string): number => scoreSentiment(text)!;

describe('scoreSentiment', () => {
  it('scores praise positive and complaints negative, within −1…1', () => {
    expect(score('Thanks for the quick help!')).toBeGreaterThanOrEqual(SENTIMENT_POSITIVE_MIN);
    expect(score('Worst service ever. I want a refund')).toBeLessThanOrEqual(SENTIMENT_NEGATIVE_MAX);
    const extremes = [score('awful horrible terrible worst disgusting '.repeat(20)), score('amazing wonderful brilliant '.repeat(20))];
    expect(extremes[0]).toBeGreaterThanOrEqual(-1);
    expect(extremes[0]).toBeLessThan(-0.99);
    expect(extremes[1]).toBeLessThanOrEqual(1);
    expect(extremes[1]).toBeGreaterThan(0.99);
  });

  it('scores 0 for a text without rated words, and for an empty one', () => {
    expect(score('What time does the store open on Sunday?')).toBe(0);
    expect(score('')).toBe(0);
    expect(score('constructor toString __proto__ hasOwnProperty valueOf')).toBe(0);
  });

  it('maps the summed valence with sum / √(sum² + 16), rounded to three decimals', () => {
    expect(score('good')).toBe(0.6); // AFINN good = 3: 3 / √25
    expect(score('bad')).toBe(-0.6);
    expect(score('good great')).toBe(0.832); // 6 / √52
  });

  it('leaves one weak word (±1) in the neutral band: it never decides a text alone', () => {
    expect(sentimentLabel(score('How long does a refund take?'))).toBe('neutral');
    expect(sentimentLabel(score('Cancel my subscription'))).toBe('neutral');
  });

  it('reads customer-service requests as neutral, not as praise', () => {
    for (const text of ['Can you help me with my order?', 'Please DM customer support', 'Can I pay by card?', "I'd like to change my address"]) {
      expect(score(text), text).toBe(0);
    }
  });

  it('turns the first rated word after a negator, weakened', () => {
    expect(score('not happy')).toBe(-0.49); // AFINN happy = 3: 3 × −0.75 = −2.25, / √(2.25² + 16)
    expect(score('never disappointed')).toBeGreaterThan(0);
    expect(score("isn't happy")).toBeLessThan(0);
    expect(score('dont like it')).toBeLessThan(0);
    // within three words and the clause only
    expect(score('not at all happy')).toBeLessThan(0);
    expect(score('Not sure. Happy')).toBeGreaterThan(0);
    // "nobody cares, #fail": the negator turns "cares", not "fail" too
    expect(score('nobody cares #fail')).toBeLessThan(score('#fail'));
  });

  it('strengthens or softens the next rated word after an intensifier', () => {
    expect(score('very good')).toBeGreaterThan(score('good'));
    expect(score('slightly bad')).toBeGreaterThan(score('bad'));
    expect(score('so very good')).toBeGreaterThan(score('good'));
  });

  it('weighs the clause after "but" over the one before it', () => {
    expect(score('The staff were nice but the order was wrong')).toBeLessThan(0);
    expect(score('My order was wrong but you fixed it immediately. Great service')).toBeGreaterThan(0);
  });

  it('reads phrases whole, idioms included', () => {
    expect(score('this does not work')).toBe(score('this does not work at all'));
    expect(score('Couldn’t be happier with the service')).toBeGreaterThanOrEqual(SENTIMENT_POSITIVE_MIN);
    expect(score('Thanks for nothing')).toBeLessThanOrEqual(SENTIMENT_NEGATIVE_MAX);
    expect(score('What a rip off')).toBeLessThanOrEqual(SENTIMENT_NEGATIVE_MAX);
  });

  it('ignores @mentions and URLs, reads hashtags as words', () => {
    expect(score('@WorstBank @happy_co what are your hours?')).toBe(0);
    expect(score('see https://example.com/awful-terrible-bad')).toBe(0);
    expect(score('my order is late #fail')).toBeLessThan(score('my order is late'));
  });

  it('reads emoji and emoticons, which no negator turns', () => {
    expect(score('delivery today 😡')).toBeLessThanOrEqual(SENTIMENT_NEGATIVE_MAX);
    expect(score('delivery today ❤️')).toBeGreaterThanOrEqual(SENTIMENT_POSITIVE_MIN);
    expect(score('delivery today 👍🏽')).toBeGreaterThan(0);
    expect(score('delivery today :(')).toBeLessThan(0);
    expect(score('not today :)')).toBeGreaterThan(0);
  });

  it('squeezes letters repeated for emphasis', () => {
    expect(score('sooooo goooood')).toBeGreaterThanOrEqual(score('good'));
    expect(score('baaaad')).toBe(score('bad'));
  });

  it('scores English, or a text whose language is not given; other languages are undefined', () => {
    expect(scoreSentiment('great', 'en')).toBe(0.6);
    expect(scoreSentiment('great', 'en-GB')).toBe(0.6);
    expect(scoreSentiment('great', 'EN_us')).toBe(0.6);
    expect(scoreSentiment('great')).toBe(0.6);
    expect(scoreSentiment('super Service, danke', 'de')).toBeUndefined();
    expect(scoreSentiment('great', 'und')).toBeUndefined();
  });
});

describe('sentimentLabel', () => {
  it('cuts at the exported thresholds, inclusive', () => {
    expect([SENTIMENT_NEGATIVE_MAX, SENTIMENT_POSITIVE_MIN]).toEqual([-0.25, 0.25]);
    expect(sentimentLabel(-1)).toBe('negative');
    expect(sentimentLabel(SENTIMENT_NEGATIVE_MAX)).toBe('negative');
    expect(sentimentLabel(-0.249)).toBe('neutral');
    expect(sentimentLabel(0)).toBe('neutral');
    expect(sentimentLabel(0.249)).toBe('neutral');
    expect(sentimentLabel(SENTIMENT_POSITIVE_MIN)).toBe('positive');
    expect(sentimentLabel(1)).toBe('positive');
  });
});
