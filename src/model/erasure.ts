import { z } from 'zod';
import { Instant, Network, NetworkId } from './common.ts';

/**
 * A deletion at the source or a right-to-erasure request. Final: nothing about `subject` that
 * arrives after it may be written to a CRM.
 * - `post`: a post/comment/message was deleted (X `tweet_delete_events`).
 * - `user`: a person's data must go.
 * - `authorization`: the account revoked Parley's app (X `user_event.revoke`); nothing more will
 *   arrive for it until it authorises again.
 */
export const Erasure = z.object({
  kind: z.literal('erasure'),
  network: Network,
  subject: z.discriminatedUnion('type', [
    z.object({ type: z.literal('post'), networkId: NetworkId, userId: NetworkId.optional() }),
    z.object({ type: z.literal('user'), userId: NetworkId }),
    z.object({ type: z.literal('authorization'), userId: NetworkId, appId: NetworkId.optional() }),
  ]),
  reason: z.enum(['deleted', 'revoked', 'erasure-request']),
  occurredAt: Instant,
});
export type Erasure = z.infer<typeof Erasure>;
