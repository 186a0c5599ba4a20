import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParsedEvent, isPayloadError } from '../../../src/connectors/index.ts';
import { parseDelivery } from './index.ts';

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/linkedin/constructed-comment-notification.json', import.meta.url), 'utf8')) as {
  type: string; notifications: Array<Record<string, unknown>>;
};
const comment = fixture.notifications[0]!;
const parse = (body: unknown): ParsedEvent[] => parseDelivery(body).map((event) => ParsedEvent.parse(event));
/** The fixture's notification with some fields replaced (undefined removes one). */
const variant = (changes: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries({ ...comment, ...changes }).filter(([, value]) => value !== undefined));
const deliver = (...notifications: Array<Record<string, unknown>>) => parse({ type: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS', notifications });
const failure = (body: unknown) => {
  try {
    parseDelivery(body);
  } catch (error) {
    if (isPayloadError(error)) return { message: error.message, path: error.path };
    throw error;
  }
  throw new Error('expected a PayloadError');
};

const MEMBER = 'urn:li:person:zLqTygBP8S';
const ORG = 'urn:li:organization:96072893';
const COMMENT_URN = 'urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)';

describe('LinkedIn organization social action notifications', () => {
  it('a member\'s comment (the real notification): their identity, then the comment', () => {
    expect(parse(fixture)).toEqual([
      {
        key: `notification:5603453321:comment/identity:${MEMBER}`,
        data: { kind: 'identity', network: 'linkedin', userId: MEMBER, key: `linkedin:${MEMBER}`, observedAt: '2023-08-09T09:48:26.310Z' },
      },
      {
        key: 'notification:5603453321:comment',
        data: {
          kind: 'interaction', network: 'linkedin',
          // generatedActivity's short spelling, normalised to the full one entity uses
          networkId: COMMENT_URN,
          activity: 'comment', direction: 'inbound',
          author: { key: `linkedin:${MEMBER}`, userId: MEMBER },
          text: 'Commenting as Sumit Butola...',
          occurredAt: '2023-08-09T09:48:26.310Z',
          inReplyTo: { networkId: 'urn:li:activity:7094637247890620418', author: { key: `linkedin:${ORG}`, userId: ORG } },
          context: { account: { network: 'linkedin', userId: ORG } },
        },
      },
    ]);
  });

  it('an edit is the same comment with its new text under its own key; a delete erases it', () => {
    const edited = deliver(variant({ action: 'COMMENT_EDIT', notificationId: 5603453400, decoratedGeneratedActivity: { comment: { owner: MEMBER, text: 'Edited', entity: COMMENT_URN } } }));
    const interaction = edited.find((e) => e.data.kind === 'interaction')!;
    expect(interaction.key).toBe('notification:5603453400:comment-edit');
    expect(interaction.data).toMatchObject({ networkId: COMMENT_URN, activity: 'comment', edited: true, text: 'Edited' });
    // Same notification id as the original comment: still two events.
    const sameId = deliver(comment, variant({ action: 'COMMENT_EDIT' }));
    expect(new Set(sameId.map((e) => e.key)).size).toBe(sameId.length);

    const deleted = deliver(variant({ action: 'COMMENT_DELETE', notificationId: 5603453500, decoratedGeneratedActivity: undefined }));
    expect(deleted).toEqual([{
      key: 'notification:5603453500:comment-delete',
      data: { kind: 'erasure', network: 'linkedin', reason: 'deleted', occurredAt: '2023-08-09T09:48:26.310Z', subject: { type: 'post', networkId: COMMENT_URN, userId: MEMBER } },
    }]);
  });

  it('an admin comment is outbound, by the organization, with no identity', () => {
    const events = deliver(variant({ action: 'ADMIN_COMMENT', decoratedGeneratedActivity: { comment: { owner: ORG, text: 'Thanks!', entity: COMMENT_URN } } }));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ activity: 'comment', direction: 'outbound', author: { userId: ORG }, text: 'Thanks!' });
  });

  it('a like is a reaction on the post', () => {
    const events = deliver(variant({ action: 'LIKE', notificationId: 42, generatedActivity: undefined, decoratedGeneratedActivity: undefined }));
    expect(events.map((e) => e.key)).toEqual([`notification:42:like/identity:${MEMBER}`, 'notification:42:like']);
    expect(events[1]!.data).toEqual({
      kind: 'interaction', network: 'linkedin', networkId: '42', activity: 'reaction', reaction: 'like', direction: 'inbound',
      author: { key: `linkedin:${MEMBER}`, userId: MEMBER }, occurredAt: '2023-08-09T09:48:26.310Z',
      subject: { networkId: 'urn:li:activity:7094637247890620418', author: { key: `linkedin:${ORG}`, userId: ORG }, text: 'This is my post 0008' },
      context: { account: { network: 'linkedin', userId: ORG } },
    });
  });

  it('a share names the post shared; a mention carries the mentioning text', () => {
    const share = deliver(variant({
      action: 'SHARE', generatedActivity: 'urn:li:share:900',
      decoratedGeneratedActivity: { share: { owner: MEMBER, text: 'Worth reading', entity: 'urn:li:share:900' } },
    }));
    expect(share[1]!.data).toMatchObject({ activity: 'share', networkId: 'urn:li:share:900', text: 'Worth reading', subject: { networkId: 'urn:li:activity:7094637247890620418', text: 'This is my post 0008' } });

    const mention = deliver(variant({
      action: 'SHARE_MENTION', generatedActivity: undefined, sourcePost: 'urn:li:activity:555',
      decoratedSourcePost: { owner: MEMBER, text: 'Great work by @Parley', entity: 'urn:li:share:555' }, decoratedGeneratedActivity: undefined,
    }));
    expect(mention[1]!.data).toMatchObject({ activity: 'mention', networkId: 'urn:li:activity:555', text: 'Great work by @Parley', author: { userId: MEMBER }, direction: 'inbound' });
    expect(mention[1]!.data).not.toHaveProperty('subject');
  });

  it('skips an action it does not know, keeping the rest of the batch', () => {
    const events = deliver(variant({ action: 'SOMETHING_NEW', notificationId: 1 }), comment);
    expect(events.map((e) => e.key)).toEqual([`notification:5603453321:comment/identity:${MEMBER}`, 'notification:5603453321:comment']);
  });

  it('tolerates unknown fields and nulls in optional ones', () => {
    const events = deliver(variant({ somethingNew: { nested: [1] }, decoratedSourcePost: null, subscriber: null }));
    expect(events.find((e) => e.data.kind === 'interaction')!.data).toMatchObject({ author: { userId: MEMBER }, inReplyTo: { networkId: 'urn:li:activity:7094637247890620418' } });
  });

  it('ids that are JavaScript object keys are ordinary ids', () => {
    const events = deliver(variant({ subscriber: '__proto__', decoratedGeneratedActivity: { comment: { owner: 'constructor', text: 't', entity: COMMENT_URN } } }));
    expect(events.map((e) => e.key)).toContain('notification:5603453321:comment/identity:constructor');
  });

  it('refuses what it cannot read, naming where', () => {
    expect(failure({ hello: 'world' })).toMatchObject({ path: 'notifications' });
    expect(failure([])).toMatchObject({ path: 'notifications' });
    expect(failure({ type: 'LEAD_ACTION', notifications: [] })).toMatchObject({ path: 'type' });
    expect(failure({ notifications: [variant({ action: undefined })] })).toMatchObject({ path: 'notifications[0].action' });
    expect(failure({ notifications: [comment, variant({ lastModifiedAt: 'yesterday' })] })).toMatchObject({ path: 'notifications[1].lastModifiedAt' });
    // Past 2^53 the parsed number is no longer the id LinkedIn sent: refused, never rounded into another key.
    expect(failure({ notifications: [variant({ notificationId: 2 ** 53 + 2 })] })).toMatchObject({ path: 'notifications[0].notificationId' });
    expect(failure({ notifications: [variant({ generatedActivity: undefined, decoratedGeneratedActivity: undefined })] })).toMatchObject({ path: 'notifications[0].generatedActivity' });
  });

  it('takes a notification id sent as digits as it is', () => {
    expect(deliver(variant({ notificationId: '98765432109876543210' })).at(-1)!.key).toBe('notification:98765432109876543210:comment');
  });

  it('an empty batch has nothing to keep', () => {
    expect(deliver()).toEqual([]);
  });
});
