import { describe, expect, it } from 'vitest';
import { sample, RECEIVED, parse, BRAND } from './testing/samples.ts';

const HOST = '1234567890123456789';

describe('spaces.start / spaces.end', () => {
  it.each([['spaces.start.json', 'start'], ['spaces.end.json', 'end']])('%s: a space activity by its host (the brand)', (name, transition) => {
    expect(parse(sample(name))).toEqual([{
      key: `space:1qxvvvyLLdnxB:${transition}`,
      data: {
        kind: 'interaction', network: 'x', networkId: '1qxvvvyLLdnxB', activity: 'space', direction: 'outbound',
        author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' },
        url: 'https://x.com/i/spaces/1qxvvvyLLdnxB',
        occurredAt: RECEIVED.toISOString(),
        context: { account: { network: 'x', userId: BRAND } },
      },
    }]);
  });
});

describe('broadcast.start / broadcast.end / broadcast.chat', () => {
  it.each([
    ['broadcast.start.json', 'start', '2024-07-03T09:46:43.500Z'],
    ['broadcast.end.json', 'end', '2024-07-03T09:46:47.400Z'],
  ])('%s: a broadcast activity with its title, at event_timestamp_ms', (name, transition, occurredAt) => {
    expect(parse(sample(name))).toEqual([{
      key: `broadcast:1a2b3c4d5e6fG:${transition}`,
      data: {
        kind: 'interaction', network: 'x', networkId: '1a2b3c4d5e6fG', activity: 'broadcast', direction: 'outbound',
        author: { key: `x:${HOST}`, userId: HOST, handle: 'example_broadcaster' },
        title: 'Example broadcast',
        url: 'https://x.com/i/broadcasts/1a2b3c4d5e6fG',
        occurredAt,
        language: 'en',
        context: { account: { network: 'x', userId: HOST } },
      },
    }]);
  });

  it('broadcast.chat: the message as text, in the broadcast\'s thread', () => {
    expect(parse(sample('broadcast.chat.json'))).toEqual([{
      key: 'broadcast-chat:2090000000000000004',
      data: {
        kind: 'interaction', network: 'x', networkId: '2090000000000000004', activity: 'broadcast', direction: 'outbound',
        author: { key: `x:${BRAND}`, userId: BRAND, handle: 'ExampleUser' },
        text: 'test',
        threadId: '1mGPaZaAdNqJN',
        occurredAt: RECEIVED.toISOString(),
        context: { account: { network: 'x', userId: BRAND } },
      },
    }]);
  });

  it('a viewer\'s chat message is inbound and brings the viewer\'s identity', () => {
    const body = sample('broadcast.chat.json');
    body.data.payload.author = { data: { id: '2222', username: 'Viewer', name: 'A Viewer' } };
    const events = parse(body);
    expect(events.map((event) => event.key)).toEqual(['broadcast-chat:2090000000000000004/identity:2222', 'broadcast-chat:2090000000000000004']);
    expect(events[1]!.data).toMatchObject({ direction: 'inbound', author: { userId: '2222', handle: 'Viewer' } });
  });
});
