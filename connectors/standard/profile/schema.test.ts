import { describe, expect, it } from 'vitest';
import { ProfileFile, SentimentSpec } from './schema.ts';

describe('profile file schema', () => {
  it('defaults: the body is the one item, no fields, no author', () => {
    expect(ProfileFile.parse({})).toEqual({ items: '$', fields: {}, author: {} });
  });

  it('knows the canonical fields and author fields, and nothing else', () => {
    expect(ProfileFile.safeParse({ fields: { text: 'a', reach: 'b', activity: 'c', page: 'd' }, author: { followers: 'f' } }).success).toBe(true);
    expect(ProfileFile.safeParse({ fields: { body: 'a' } }).success).toBe(false);
    expect(ProfileFile.safeParse({ author: { email: 'e', emailVerified: 'v', location: 'l' } }).success).toBe(true);
    expect(ProfileFile.safeParse({ author: { phone: 'e' } }).success).toBe(false);
    expect(ProfileFile.safeParse({ fields: { text: '  ' } }).success).toBe(false);
  });

  it('a sentiment is a linear scale or a label table, never both or neither', () => {
    expect(SentimentSpec.safeParse({ value: 's', scale: [-5, 5] }).success).toBe(true);
    expect(SentimentSpec.safeParse({ value: 's', labels: { positive: 1, negative: -1 } }).success).toBe(true);
    expect(SentimentSpec.safeParse({ value: 's' }).success).toBe(false);
    expect(SentimentSpec.safeParse({ value: 's', scale: [-5, 5], labels: { positive: 1 } }).success).toBe(false);
    expect(SentimentSpec.safeParse({ value: 's', scale: [1, 1] }).success).toBe(false);
    expect(SentimentSpec.safeParse({ value: 's', labels: {} }).success).toBe(false);
  });
});
