import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const FIXTURES = new URL('../../../test/fixtures/x/', import.meta.url);
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const parse = (body: unknown): ParsedEvent[] => parseDelivery(body, { receivedAt: new Date('2026-03-01T12:00:00.000Z') });

/** The PayloadError `fn` throws (fails the test when it throws anything else or nothing). */
function payloadErrorOf(fn: () => unknown): { message: string; path: string | undefined } {
  try {
    fn();
  } catch (error) {
    if (isPayloadError(error)) return error;
    throw error;
  }
  throw new Error('expected a PayloadError');
}

const tweet = {
  id: 1065035365336141800,
  id_str: '1065035365336141825',
  text: 'hello',
  timestamp_ms: '1542759193153',
  user: { id_str: '219826253', screen_name: 'medenhofer' },
};

describe('parseDelivery: every fixture', () => {
  const names = readdirSync(FIXTURES).filter((name) => name.endsWith('.json')).sort();

  it('finds the fixtures', () => {
    expect(names).toHaveLength(11);
  });

  it.each(names)('%s gives events the model accepts, keyed uniquely', (name) => {
    const events = parse(fixture(name));
    for (const event of events) expect(ParsedEvent.parse(event)).toEqual(event);
    expect(new Set(events.map((event) => event.key)).size).toBe(events.length);
    // Exactly one activity (interaction or erasure) per activity-bearing fixture.
    const activities = events.filter((event) => event.data.kind !== 'identity');
    expect(activities).toHaveLength(/indicate-typing|mark-read/.test(name) ? 0 : 1);
    // Identity keys hang off their activity's key; the brand never gets one.
    const body = fixture(name);
    for (const event of events.filter((e) => e.data.kind === 'identity')) {
      expect(event.key.startsWith(`${activities[0]!.key}/identity:`)).toBe(true);
      if (event.data.kind === 'identity') expect(event.data.userId).not.toBe(body.for_user_id);
    }
  });
});

describe('parseDelivery: presence and envelope', () => {
  it('gives nothing for typing indicators and read receipts', () => {
    expect(parse(fixture('docs-dm-indicate-typing.json'))).toEqual([]);
    expect(parse(fixture('docs-dm-mark-read.json'))).toEqual([]);
  });

  it('gives nothing for empty event arrays', () => {
    expect(parse({ for_user_id: '1', tweet_create_events: [] })).toEqual([]);
  });

  it('ignores an unknown top-level key', () => {
    const body = { ...fixture('zammad-tweet-create-truncated-reply-to-user.json'), quote_tweet_events: [{ anything: true }], apps: 7 };
    expect(parse(body)).toEqual(parse(fixture('zammad-tweet-create-truncated-reply-to-user.json')));
  });

  it('gives the same keys whichever subscribed account the tweet was delivered for', () => {
    const forA = parse({ for_user_id: '111', tweet_create_events: [tweet] });
    const forB = parse({ for_user_id: '222', tweet_create_events: [tweet] });
    expect(forA.map((event) => event.key)).toEqual(['tweet:1065035365336141825/identity:219826253', 'tweet:1065035365336141825']);
    expect(forB.map((event) => event.key)).toEqual(forA.map((event) => event.key));
  });

  it('tolerates user_has_blocked as a string or a boolean', () => {
    for (const value of ['false', false, true]) {
      const events = parse({ for_user_id: '1', user_has_blocked: value, tweet_create_events: [tweet] });
      expect(events.at(-1)?.key).toBe('tweet:1065035365336141825');
    }
  });

  it('parses every known array in one body', () => {
    const body = { ...fixture('zammad-follow.json'), tweet_create_events: [tweet] };
    expect(parse(body).filter((event) => event.data.kind === 'interaction').map((event) => event.key))
      .toEqual(['tweet:1065035365336141825', 'follow:2975699229:1205290247124217856:1576212630171']);
  });
});

describe('parseDelivery: errors', () => {
  it.each([null, 'text', 42, [tweet]])('rejects a body that is not an object: %j', (body) => {
    expect(payloadErrorOf(() => parse(body)).message).toMatch(/must be a JSON object/);
  });

  it.each([{}, { foo: 1 }, { for_user_id: '1', users: {} }])('rejects a body without any event: %j', (body) => {
    expect(payloadErrorOf(() => parse(body)).message).toMatch(/no Account Activity event in the payload/);
  });

  it('rejects a tweet without a user, naming the path', () => {
    const { id_str, text } = tweet;
    const error = payloadErrorOf(() => parse({ for_user_id: '1', tweet_create_events: [tweet, { id_str, text }] }));
    expect(error.path).toBe('tweet_create_events[1].user');
    expect(error.message).toMatch(/^malformed X payload at tweet_create_events\[1\]\.user: /);
  });

  it('rejects a tweet with only a numeric id (it may have been rounded)', () => {
    const numericOnly = { ...tweet, id_str: undefined };
    expect(payloadErrorOf(() => parse({ tweet_create_events: [numericOnly] })).path).toBe('tweet_create_events[0].id_str');
  });

  it('rejects an event array that is not an array', () => {
    expect(payloadErrorOf(() => parse({ follow_events: { type: 'follow' } })).path).toBe('follow_events');
  });

  it('rejects a malformed users map entry with a bracketed path', () => {
    const body = fixture('docs-dm-message-create.json');
    const users = body.users as Record<string, Record<string, unknown>>;
    const error = payloadErrorOf(() => parse({ ...body, users: { ...users, '3001969357': { ...users['3001969357'], id: undefined } } }));
    expect(error.path).toBe('users["3001969357"].id_str');
  });

  it('rejects a non-string for_user_id', () => {
    expect(payloadErrorOf(() => parse({ for_user_id: 123, tweet_create_events: [] })).path).toBe('for_user_id');
  });
});
