import { identityKey, type Erasure, type Identity, type Interaction, type ParsedEvent, type PersonRef } from '../../../src/connectors/index.ts';
import type { Notification } from './notification.ts';
import { normaliseUrn } from './urn.ts';

/** The network name LinkedIn events carry in the canonical model. */
export const NETWORK = 'linkedin';

/**
 * The actions LinkedIn sends (`action`, Organization Social Action Notifications docs) and what
 * each becomes. Any other action is skipped, so one new action cannot fail a batch of known ones.
 */
export const ACTIONS = ['LIKE', 'COMMENT', 'ADMIN_COMMENT', 'COMMENT_EDIT', 'COMMENT_DELETE', 'SHARE', 'SHARE_MENTION'] as const;
export type Action = (typeof ACTIONS)[number];

/** True for an action this parser maps (see `ACTIONS`). */
export function isKnownAction(action: string): action is Action {
  return (ACTIONS as readonly string[]).includes(action);
}

/**
 * A notification the parser cannot use (an action that needs an id it lacks): the message, and
 * the key under the notification it is about.
 */
export class MissingField extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/**
 * The event key of a notification. LinkedIn names `notificationId` as the dedup key; the action
 * is part of the key so that, should an edit or delete ever share the id of the comment it acts on,
 * it is its own event and never dedups the original away.
 */
export function notificationKey(notification: Notification): string {
  return `notification:${notification.notificationId}:${notification.action.toLowerCase().replace(/_/g, '-')}`;
}

function personRef(urn: string): PersonRef {
  return { key: identityKey(NETWORK, urn), userId: urn };
}

function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** The member or organization who acted: the generated comment's or share's owner, else `subscriber`. */
function actorOf(notification: Notification): string | undefined {
  const generated = notification.decoratedGeneratedActivity;
  return present(generated?.comment?.owner) ?? present(generated?.share?.owner) ?? present(notification.subscriber);
}

/** The comment a comment action is about, in its one spelling. */
function commentUrn(notification: Notification): string {
  const urn = present(notification.generatedActivity) ?? present(notification.decoratedGeneratedActivity?.comment?.entity);
  if (urn === undefined) throw new MissingField('generatedActivity', `a ${notification.action} notification needs the comment's URN (generatedActivity)`);
  return normaliseUrn(urn);
}

/** The post acted on, with its owner and text when decorated. */
function sourcePostOf(notification: Notification): { networkId: string; author?: PersonRef; text?: string } | undefined {
  const networkId = present(notification.sourcePost) ?? present(notification.decoratedSourcePost?.entity);
  if (networkId === undefined) return undefined;
  const owner = present(notification.decoratedSourcePost?.owner);
  const text = present(notification.decoratedSourcePost?.text);
  return { networkId, ...(owner ? { author: personRef(owner) } : {}), ...(text !== undefined ? { text } : {}) };
}

function requireSourcePost(notification: Notification): NonNullable<ReturnType<typeof sourcePostOf>> {
  const post = sourcePostOf(notification);
  if (!post) throw new MissingField('sourcePost', `a ${notification.action} notification needs the post acted on (sourcePost)`);
  return post;
}

/**
 * The canonical events of one notification of a known action: the actor's identity (a member URN,
 * no name: LinkedIn sends none; never the organization itself), then one interaction or erasure.
 * - LIKE → `reaction` `like` on `subject` = the post.
 * - COMMENT → `comment` replying to the post; ADMIN_COMMENT the same, `outbound`, by the organization.
 * - COMMENT_EDIT → the same comment (same `networkId`) with its new text, `edited: true`.
 * - COMMENT_DELETE → an erasure of the comment.
 * - SHARE → `share` of the post (`subject`); SHARE_MENTION → `mention` of the organization.
 * @throws MissingField when the notification lacks an id its action needs
 */
export function notificationEvents(notification: Notification, action: Action): ParsedEvent[] {
  const key = notificationKey(notification);
  const occurredAt = new Date(notification.lastModifiedAt).toISOString();
  const organization = notification.organizationalEntity;
  const actor = action === 'ADMIN_COMMENT' ? organization : actorOf(notification);
  const outbound = action === 'ADMIN_COMMENT' || actor === organization;

  if (action === 'COMMENT_DELETE') {
    const erasure: Erasure = {
      kind: 'erasure', network: NETWORK, reason: 'deleted', occurredAt,
      subject: { type: 'post', networkId: commentUrn(notification), ...(actor ? { userId: actor } : {}) },
    };
    return [{ key, data: erasure }];
  }

  const base = {
    kind: 'interaction' as const,
    network: NETWORK,
    direction: outbound ? 'outbound' as const : 'inbound' as const,
    ...(actor ? { author: personRef(actor) } : {}),
    occurredAt,
    context: { account: { network: NETWORK, userId: organization } },
  };
  const generated = notification.decoratedGeneratedActivity;
  let interaction: Interaction;
  switch (action) {
    case 'LIKE': {
      const post = requireSourcePost(notification);
      interaction = { ...base, networkId: present(notification.generatedActivity) ?? notification.notificationId, activity: 'reaction', reaction: 'like', subject: post };
      break;
    }
    case 'COMMENT':
    case 'ADMIN_COMMENT':
    case 'COMMENT_EDIT': {
      const post = sourcePostOf(notification);
      const text = present(generated?.comment?.text);
      interaction = {
        ...base, networkId: commentUrn(notification), activity: 'comment',
        ...(text !== undefined ? { text } : {}),
        ...(action === 'COMMENT_EDIT' ? { edited: true } : {}),
        ...(post ? { inReplyTo: { networkId: post.networkId, ...(post.author ? { author: post.author } : {}) } } : {}),
      };
      break;
    }
    case 'SHARE':
    case 'SHARE_MENTION': {
      const post = sourcePostOf(notification);
      const networkId = present(notification.generatedActivity) ?? present(generated?.share?.entity) ?? post?.networkId;
      if (networkId === undefined) throw new MissingField('generatedActivity', `a ${action} notification needs the share's URN (generatedActivity or sourcePost)`);
      const text = present(generated?.share?.text) ?? (action === 'SHARE_MENTION' ? post?.text : undefined);
      interaction = {
        ...base, networkId: normaliseUrn(networkId), activity: action === 'SHARE' ? 'share' : 'mention',
        ...(text !== undefined ? { text } : {}),
        // A share's subject is the post shared; a mention's is the post it sits in, when that is another.
        ...(post && post.networkId !== networkId ? { subject: post } : {}),
      };
      break;
    }
  }
  const events: ParsedEvent[] = [];
  if (actor !== undefined && !outbound) events.push({ key: `${key}/identity:${actor}`, data: memberIdentity(actor, occurredAt) });
  events.push({ key, data: interaction });
  return events;
}

/** A member known only by URN: LinkedIn's notifications carry no name, handle or picture. */
function memberIdentity(urn: string, observedAt: string): Identity {
  return { kind: 'identity', network: NETWORK, userId: urn, key: identityKey(NETWORK, urn), observedAt };
}
