import { z } from 'zod';
import type { Erasure, Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { activityEvents, compact, contentDigest, directionOf, personRef, text } from '../../meta/activity.ts';
import type { EntryScope } from '../../meta/envelope.ts';
import { ObjectId, isPlaceholderId } from '../../meta/ids.ts';
import { instantOf } from '../../meta/time.ts';
import { AuthorFields, NETWORK, authorOf, pageContext, phaseOf } from './author.ts';

/**
 * A Page `mention` change value: the Page was tagged in a post or comment (Graph API Webhooks
 * reference, Page `mention`). `{item, verb, post_id, comment_id?, message?, created_time}`; recent
 * payloads carry no author, 2017-era ones `sender_id`/`sender_name` (reference §2.3).
 */
export const MentionValue = z.object({
  item: z.string().nullish(),
  verb: z.string().nullish(),
  post_id: ObjectId.nullish(),
  comment_id: ObjectId.nullish(),
  ...AuthorFields,
  message: z.string().nullish(),
  created_time: z.unknown().optional(),
}).refine((value) => Boolean(value.post_id || value.comment_id), { path: ['post_id'], message: 'a mention needs post_id or comment_id' });
export type MentionValue = z.infer<typeof MentionValue>;

/**
 * A mention of the Page as a `mention` interaction, its `networkId` the mentioning comment or post,
 * `threadId` the post; without an author when the payload has none. `remove` is an erasure of the
 * mentioning item, an edit a new version (`edited`); a verb without meaning here gives nothing.
 */
export function parseMentionChange(value: MentionValue, scope: EntryScope): ParsedEvent[] {
  const phase = value.verb ? phaseOf(value.verb) : 'add';
  if (!phase) return [];
  const author = authorOf(value);
  if (author && isPlaceholderId(author.userId)) return [];
  const networkId = (value.comment_id ?? value.post_id)!;
  const ownTime = instantOf(value.created_time);
  const occurredAt = ownTime ?? scope.entryTime ?? scope.receivedAt.toISOString();
  if (phase === 'remove') {
    const erasure: Erasure = { kind: 'erasure', network: NETWORK, reason: 'deleted', occurredAt, subject: compact({ type: 'post' as const, networkId, userId: author?.userId }) };
    return activityEvents(`mention:${networkId}/removed`, erasure, [], scope.brand);
  }
  const interaction: Interaction = compact({
    kind: 'interaction' as const, network: NETWORK, networkId, activity: 'mention' as const,
    direction: directionOf(author?.userId, scope.brand), author: author ? personRef(author) : undefined,
    text: text(value.message), edited: phase === 'edit' ? true : undefined, occurredAt,
    threadId: value.post_id ?? undefined, context: pageContext(scope.brand),
  });
  const key = phase === 'add' ? `mention:${networkId}` : `mention:${networkId}/edit:${contentDigest(ownTime, value.message)}`;
  return activityEvents(key, interaction, [author], scope.brand);
}
