import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, type Identity, type Interaction } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/x/${name}`, import.meta.url), 'utf8'));
const parse = (body: unknown): ParsedEvent[] =>
  parseDelivery(body, { receivedAt: new Date('2026-03-01T12:00:00.000Z') }).map((event) => ParsedEvent.parse(event));
const interactionOf = (events: ParsedEvent[]) => events.filter((event) => event.data.kind === 'interaction').map((event) => event.data as Interaction);
const identitiesOf = (events: ParsedEvent[]) => events.flatMap((event) => (event.data.kind === 'identity' ? [event.data as Identity] : []));

describe('favorite_events', () => {
  it('a like by the brand (zammad-favorite)', () => {
    const events = parse(fixture('zammad-favorite.json'));
    expect(events.map((event) => event.key)).toEqual([
      'favorite:306365f99a761d92af4753775e89f7a4/identity:28451785',
      'favorite:306365f99a761d92af4753775e89f7a4',
    ]);
    expect(interactionOf(events)).toEqual([{
      kind: 'interaction',
      network: 'x',
      networkId: '306365f99a761d92af4753775e89f7a4',
      activity: 'reaction',
      reaction: 'like',
      // The liker (2975699229) is the subscribed account.
      direction: 'outbound',
      author: { key: 'x:2975699229', userId: '2975699229', handle: 'ScruffyMcG' },
      subject: {
        networkId: '1206549698791657473',
        author: { key: 'x:28451785', userId: '28451785', handle: 'ioquatix' },
        text: 'https://t.co/qywSsecZ1I is now running on Falcon.',
      },
      // timestamp_ms is a number here
      occurredAt: '2019-12-16T23:49:59.643Z',
      context: { account: { network: 'x', userId: '2975699229' } },
    }]);
    expect(identitiesOf(events)).toEqual([expect.objectContaining({
      userId: '28451785', handle: 'ioquatix', displayName: 'Samuel Williams', location: 'Christchurch, New Zealand',
      followers: 574, following: 149, posts: 1467, createdAt: '2009-04-02T23:52:51.000Z', observedAt: '2019-12-16T23:49:59.643Z',
    })]);
  });

  it("a customer liking the brand's post is inbound, with the liker's identity only", () => {
    const body = fixture('zammad-favorite.json');
    const events = parse({ ...body, for_user_id: '28451785' });
    expect(interactionOf(events)[0]!.direction).toBe('inbound');
    expect(identitiesOf(events).map((identity) => identity.userId)).toEqual(['2975699229']);
  });
});
