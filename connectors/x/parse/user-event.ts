import { z } from 'zod';
import { NetworkId, type Erasure, type ParsedEvent } from '../../../src/connectors/index.ts';
import { activityEvents } from './activity.ts';
import { NETWORK, compact, type Scope } from './shared.ts';
import { IsoDateTime, fromIsoDateTime } from './time.ts';

/** `user_event`: today only `revoke`, sent without `for_user_id`. Other members are ignored. */
export const XUserEvent = z.object({
  revoke: z.object({
    date_time: IsoDateTime,
    target: z.object({ app_id: NetworkId.nullish() }).nullish(),
    source: z.object({ user_id: NetworkId }),
  }).nullish(),
});
export type XUserEvent = z.infer<typeof XUserEvent>;

/** A revoked app authorisation as an `authorization` erasure for the user who revoked it. */
export function parseUserEvent(event: XUserEvent, scope: Scope): ParsedEvent[] {
  const revoke = event.revoke;
  if (!revoke) return [];
  const erasure: Erasure = {
    kind: 'erasure',
    network: NETWORK,
    subject: compact({ type: 'authorization' as const, userId: revoke.source.user_id, appId: revoke.target?.app_id ?? undefined }),
    reason: 'revoked',
    occurredAt: fromIsoDateTime(revoke.date_time),
  };
  return activityEvents(`revoke:${revoke.source.user_id}:${revoke.date_time}`, erasure, [], scope);
}
