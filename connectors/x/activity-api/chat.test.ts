import { describe, expect, it } from 'vitest';
import { sample, RECEIVED, parse, BRAND, brandContext } from './testing/samples.ts';


describe('chat.* (encrypted XChat: ciphertext only, no text)', () => {
  it('the chat.received sample: an inbound chat from its sender, keyed by the payload id', () => {
    expect(parse(sample('chat.received.json'))).toEqual([{
      key: 'chat:e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6',
      data: {
        kind: 'interaction', network: 'x', networkId: 'e4f4d3fc-8bbf-4928-92eb-e5058d6bb6f6', activity: 'chat', direction: 'inbound',
        author: { key: 'x:2222222222222222222', userId: '2222222222222222222' },
        occurredAt: '2026-07-23T21:13:03.370Z',
        threadId: '2222222222222222222:1111111111111111111',
        context: brandContext,
      },
    }]);
  });

  it('the chat.sent sample: outbound, by the brand', () => {
    expect(parse(sample('chat.sent.json'))[0]!.data).toMatchObject({
      networkId: '8e75466b-56ec-4e88-bddf-b18f7cc6030e', activity: 'chat', direction: 'outbound', author: { userId: BRAND }, occurredAt: '2026-07-23T21:13:53.939Z',
    });
  });

  it('the XChat page sample (no id, no filter, UUID event_uuid): keyed by its ciphertext, the same on every copy', () => {
    const body = sample('chat.received.xchat-real-time-events.json');
    const [event] = parse(body);
    expect(event).toEqual({
      key: expect.stringMatching(/^chat:sha256-[0-9a-f]{64}$/),
      data: {
        kind: 'interaction', network: 'x', networkId: event!.key.slice('chat:'.length), activity: 'chat', direction: 'inbound',
        author: { key: 'x:1843439638876491776', userId: '1843439638876491776' },
        occurredAt: RECEIVED.toISOString(),
        threadId: '1215441834412953600-1843439638876491776',
      },
    });
    const redelivered = { data: { ...body.data, event_uuid: '0f52b591-0000-4f13-92cd-30e6b2a3f18a' } };
    expect(parse(redelivered)[0]!.key).toBe(event!.key);
  });

  it.each(['chat.conversation_join', 'chat.conversation.join', 'chat.conversation.member_added'])('%s (no sample, "matches other chat events") is a chat activity', (eventType) => {
    const body = { data: { event_uuid: '9', filter: { user_id: BRAND }, event_type: eventType, payload: { id: 'c0ffee00-0000-4000-8000-000000000001', sender_id: '2222', conversation_id: '2222:1111', created_at_msec: '1784841183370', encoded_event: 'CwAB…' } } };
    expect(parse(body)).toEqual([{
      key: 'chat:c0ffee00-0000-4000-8000-000000000001',
      data: {
        kind: 'interaction', network: 'x', networkId: 'c0ffee00-0000-4000-8000-000000000001', activity: 'chat', direction: 'inbound',
        author: { key: 'x:2222', userId: '2222' }, occurredAt: '2026-07-23T21:13:03.370Z', threadId: '2222:1111', context: brandContext,
      },
    }]);
  });
});
