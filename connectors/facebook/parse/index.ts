import type { ParseContext, ParsedEvent } from '../../../src/connectors/index.ts';
import { itemReader, parseMetaDelivery, type DeliveryShape } from '../../meta/envelope.ts';
import { messagingReader } from '../../meta/messaging.ts';
import { FeedValue, parseFeedChange } from './feed.ts';
import { MentionValue, parseMentionChange } from './mention.ts';

/**
 * What the facebook source takes: `object: "page"`, the Page `feed` and `mention` fields, and
 * Messenger `messaging[]`/`standby[]` items (network `messenger`: PSIDs are page-scoped).
 */
const PAGE: DeliveryShape = {
  object: 'page',
  changes: new Map([
    ['feed', itemReader(FeedValue, parseFeedChange)],
    ['mention', itemReader(MentionValue, parseMentionChange)],
  ]),
  messaging: messagingReader({ network: 'messenger', page: true }),
};

/** Parses a Page webhook delivery (feed, mentions, Messenger) into canonical events; see `parseMetaDelivery` for the batch rules. */
export function parseFacebookDelivery(body: unknown, context: ParseContext): ParsedEvent[] {
  return parseMetaDelivery(body, context, PAGE);
}
