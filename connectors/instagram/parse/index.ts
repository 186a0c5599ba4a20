import type { ParseContext, ParsedEvent } from '../../../src/connectors/index.ts';
import { itemReader, parseMetaDelivery, type DeliveryShape } from '../../meta/envelope.ts';
import { messagingReader } from '../../meta/messaging.ts';
import { CommentValue, MentionsValue, parseCommentChange, parseMentionsChange } from './comments.ts';

/**
 * What the instagram source takes: `object: "instagram"`, the `comments`, `live_comments` and
 * `mentions` fields, and direct messages in `messaging[]` (network `instagram`, IGSIDs).
 */
const INSTAGRAM: DeliveryShape = {
  object: 'instagram',
  changes: new Map([
    ['comments', itemReader(CommentValue, parseCommentChange)],
    ['live_comments', itemReader(CommentValue, parseCommentChange)],
    ['mentions', itemReader(MentionsValue, parseMentionsChange)],
  ]),
  messaging: messagingReader({ network: 'instagram', page: false }),
};

/** Parses an Instagram webhook delivery into canonical events; see `parseMetaDelivery` for the batch rules. */
export function parseInstagramDelivery(body: unknown, context: ParseContext): ParsedEvent[] {
  return parseMetaDelivery(body, context, INSTAGRAM);
}
