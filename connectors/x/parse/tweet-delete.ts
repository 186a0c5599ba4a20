import { z } from 'zod';
import { NetworkId, type Erasure, type ParsedEvent } from '../../../src/connectors/index.ts';
import { activityEvents } from './activity.ts';
import { NETWORK, compact, type Scope } from './shared.ts';
import { EpochMs, firstTime, fromEpochMs } from './time.ts';

/** A `tweet_delete_events` item. Its ids are strings (a number would already be rounded). */
export const XTweetDeleteEvent = z.object({
  status: z.object({ id: NetworkId, user_id: NetworkId.nullish() }),
  timestamp_ms: EpochMs.nullish(),
});
export type XTweetDeleteEvent = z.infer<typeof XTweetDeleteEvent>;

/** A deleted tweet as a `post` erasure: nothing more about it may be written to a CRM. */
export function parseTweetDelete(event: XTweetDeleteEvent, scope: Scope): ParsedEvent[] {
  const erasure: Erasure = {
    kind: 'erasure',
    network: NETWORK,
    subject: compact({ type: 'post' as const, networkId: event.status.id, userId: event.status.user_id ?? undefined }),
    reason: 'deleted',
    occurredAt: firstTime(scope.receivedAt, event.timestamp_ms == null ? undefined : fromEpochMs(event.timestamp_ms)),
  };
  return activityEvents(`tweet-delete:${event.status.id}`, erasure, [], scope);
}
