import { z } from 'zod';
import type { Erasure, ParsedEvent } from '../../../src/connectors/index.ts';
import { activityEvents } from '../parse/activity.ts';
import { NETWORK, compact } from '../parse/shared.ts';
import { IsoDateTime, fromIsoDateTime } from '../parse/time.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';
import { XaaId } from './id.ts';

/** post.delete: `{id, author_id}`, both required (OpenAPI `PostDeleteActivityResponsePayload`). */
const XaaPostDelete = z.object({ id: XaaId, author_id: XaaId.nullish() });

/**
 * A deleted post as a `post` erasure keyed `tweet-delete:<id>`, the Account Activity key of the
 * same deletion. The payload has no time: the receive time stands in. The author's profile in
 * `includes` is not kept: an erasure carries no identities.
 */
export function parsePostDelete(event: ActivityEvent): ParsedEvent[] {
  const deleted = readPayload(XaaPostDelete, event);
  const erasure: Erasure = {
    kind: 'erasure',
    network: NETWORK,
    subject: compact({ type: 'post' as const, networkId: deleted.id, userId: deleted.author_id ?? undefined }),
    reason: 'deleted',
    occurredAt: event.scope.receivedAt.toISOString(),
  };
  return activityEvents(`tweet-delete:${deleted.id}`, erasure, [], event.scope);
}

/** oauth.revoke: `{date_time, user_id, app_id}`, `date_time` like "2026-07-23T21:44:05+00:00". */
const XaaRevoke = z.object({ date_time: IsoDateTime, user_id: XaaId, app_id: XaaId.nullish() });

/**
 * A revoked authorisation as an `authorization` erasure for the user who revoked it, keyed
 * `revoke:<user id>:<date_time>` exactly as the Account Activity `user_event.revoke` (same
 * `date_time` format), so the two APIs' deliveries of one revoke are one event. `filter` may be
 * `{}` here, so the user comes from the payload, never the filter.
 */
export function parseRevoke(event: ActivityEvent): ParsedEvent[] {
  const revoke = readPayload(XaaRevoke, event);
  const erasure: Erasure = {
    kind: 'erasure',
    network: NETWORK,
    subject: compact({ type: 'authorization' as const, userId: revoke.user_id, appId: revoke.app_id ?? undefined }),
    reason: 'revoked',
    occurredAt: fromIsoDateTime(revoke.date_time),
  };
  return activityEvents(`revoke:${revoke.user_id}:${revoke.date_time}`, erasure, [], event.scope);
}
