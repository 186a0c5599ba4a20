import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/x/${name}`, import.meta.url), 'utf8'));
const parse = (body: unknown): ParsedEvent[] =>
  parseDelivery(body, { receivedAt: new Date('2026-03-01T12:00:00.000Z') }).map((event) => ParsedEvent.parse(event));

describe('tweet_delete_events', () => {
  it('a deleted tweet is a post erasure (docs-tweet-delete)', () => {
    expect(parse(fixture('docs-tweet-delete.json'))).toEqual([{
      key: 'tweet-delete:1045405559317569537',
      data: {
        kind: 'erasure',
        network: 'x',
        subject: { type: 'post', networkId: '1045405559317569537', userId: '930524282358325248' },
        reason: 'deleted',
        occurredAt: '2015-05-21T17:09:15.593Z',
      },
    }]);
  });

  it('falls back to the receive time and tolerates a missing user_id', () => {
    expect(parse({ tweet_delete_events: [{ status: { id: '5' } }] })[0]!.data)
      .toEqual({ kind: 'erasure', network: 'x', subject: { type: 'post', networkId: '5' }, reason: 'deleted', occurredAt: '2026-03-01T12:00:00.000Z' });
  });
});
