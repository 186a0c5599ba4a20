import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/x/${name}`, import.meta.url), 'utf8'));
const parse = (body: unknown): ParsedEvent[] =>
  parseDelivery(body, { receivedAt: new Date('2026-03-01T12:00:00.000Z') }).map((event) => ParsedEvent.parse(event));

describe('user_event', () => {
  it('a revoke is an authorization erasure (docs-user-event-revoke, no for_user_id)', () => {
    expect(parse(fixture('docs-user-event-revoke.json'))).toEqual([{
      key: 'revoke:63046977:2018-05-24T09:48:12+00:00',
      data: {
        kind: 'erasure',
        network: 'x',
        subject: { type: 'authorization', userId: '63046977', appId: '13090192' },
        reason: 'revoked',
        occurredAt: '2018-05-24T09:48:12.000Z',
      },
    }]);
  });

  it('converts an offset date_time to UTC', () => {
    const events = parse({ user_event: { revoke: { date_time: '2018-05-24T11:48:12+02:00', source: { user_id: '1' } } } });
    expect(events[0]!.data).toMatchObject({ subject: { type: 'authorization', userId: '1' }, occurredAt: '2018-05-24T09:48:12.000Z' });
  });

  it('ignores a user_event of another kind', () => {
    expect(parse({ user_event: { something_new: {} } })).toEqual([]);
  });

  it('rejects a revoke with an unreadable date_time', () => {
    try {
      parse({ user_event: { revoke: { date_time: 'yesterday', source: { user_id: '1' } } } });
      expect.unreachable();
    } catch (error) {
      expect(isPayloadError(error) && error.path).toBe('user_event.revoke.date_time');
    }
  });
});
