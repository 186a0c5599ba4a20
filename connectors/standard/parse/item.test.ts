import { describe, expect, it } from 'vitest';
import { ParsedEvent } from '../../../src/connectors/index.ts';
import { parseProfile } from '../profile/load.ts';
import { ExpressionFailure, itemEvents, readItem } from './item.ts';

const profile = (text: string) => parseProfile(text, 'p.yaml', 'p');
const scope = { key: 'p:1', network: 'web', receivedAt: new Date('2026-03-01T12:00:00.000Z') };

describe('reading an item with a profile', () => {
  it('a field whose expression fails on this item is left out; the others count', async () => {
    const values = await readItem(profile('fields:\n  text: body\n  reach: views * 2\n'), { body: 'hi', views: 'many' });
    expect(values).toEqual({ text: 'hi', activity: 'mention', author: {} });
  });

  it('the id is relied on: its failure is thrown, naming it', async () => {
    await expect(readItem(profile('id: n + 1\n'), { n: 'x' })).rejects.toBeInstanceOf(ExpressionFailure);
    await expect(readItem(profile('id: n + 1\n'), { n: 'x' })).rejects.toMatchObject({ key: 'id' });
  });

  it('with an activity expression, an item that names no activity is no interaction', async () => {
    const p = profile('id: id\nfields:\n  activity: kind\nauthor:\n  userId: by\n');
    const comment = await readItem(p, { id: '1', kind: 'COMMENT', by: 'u1' });
    expect(comment.activity).toBe('comment');
    const other = await readItem(p, { id: '2', kind: 'contact', by: 'u2' });
    expect(other.activity).toBeNull();
    expect(itemEvents(other, scope).map((e) => e.data.kind)).toEqual(['identity']);
  });
});

describe('the events of an item', () => {
  it('an author\'s e-mail is kept with whether the sender vouches for it: only a JSON true counts; without an e-mail, no verdict', async () => {
    const p = profile('id: id\nauthor:\n  userId: by\n  email: mail\n  emailVerified: ok\n  location: at\n');
    const identityOf = async (item: Record<string, unknown>) => itemEvents(await readItem(p, { id: '1', by: 'u1', ...item }), scope)[0]!.data;
    expect(await identityOf({ mail: ' ada@example.com ', ok: true, at: 'London' })).toMatchObject({ email: 'ada@example.com', emailVerified: true, location: 'London' });
    expect(await identityOf({ mail: 'ada@example.com', ok: 'yes' })).not.toHaveProperty('emailVerified');
    expect(await identityOf({ ok: true })).not.toHaveProperty('emailVerified');
  });

  it('identity first, then the interaction; network and time fall back to the source\'s', () => {
    const events = itemEvents({ id: '1', activity: 'mention', text: 't', author: { userId: 'u1', handle: 'h', followers: 3 } }, scope).map((e) => ParsedEvent.parse(e));
    expect(events).toEqual([
      { key: 'p:1/identity:u1', data: { kind: 'identity', network: 'web', userId: 'u1', key: 'web:u1', handle: 'h', followers: 3, observedAt: '2026-03-01T12:00:00.000Z' } },
      {
        key: 'p:1',
        data: {
          kind: 'interaction', network: 'web', networkId: '1', activity: 'mention', direction: 'inbound',
          author: { key: 'web:u1', userId: 'u1', handle: 'h', followers: 3 }, text: 't', occurredAt: '2026-03-01T12:00:00.000Z',
        },
      },
    ]);
  });

  it('networkId wins over the id; without either there is no interaction', () => {
    expect(itemEvents({ id: 'tool-1', networkId: 'post-9', activity: 'mention', author: {} }, scope)[0]!.data).toMatchObject({ networkId: 'post-9' });
    expect(itemEvents({ activity: 'mention', author: {} }, scope)).toEqual([]);
  });

  it('the page goes to context.page', () => {
    expect(itemEvents({ id: '1', activity: 'mention', page: 'PetTheDamnCat', author: {} }, scope)[0]!.data).toMatchObject({ context: { page: 'PetTheDamnCat' } });
  });
});
