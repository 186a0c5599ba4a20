import type { Erasure, Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { NETWORK, type Scope } from './shared.ts';
import { toIdentity, type XUser } from './user.ts';

/** `outbound` when the brand itself did it (X echoes the brand's own tweets, DMs, likes and follows). */
export function directionOf(actorId: string, brand: string | undefined): Interaction['direction'] {
  return actorId === brand ? 'outbound' : 'inbound';
}

/** The interaction's `context` naming the subscribed account, when it is known. */
export function accountContext(brand: string | undefined): Interaction['context'] {
  return brand === undefined ? undefined : { account: { network: NETWORK, userId: brand } };
}

/**
 * The events of one activity: one identity per distinct person whose full profile it carried
 * (never the brand's own account), then the activity itself. Identities come first so a consumer
 * meets each person before the interaction that refers to them.
 */
export function activityEvents(
  key: string,
  data: Interaction | Erasure,
  people: readonly (XUser | null | undefined)[],
  scope: Scope,
): ParsedEvent[] {
  const seen = new Set<string>();
  const events: ParsedEvent[] = [];
  for (const person of people) {
    if (!person || person.userId === scope.brand || seen.has(person.userId)) continue;
    seen.add(person.userId);
    events.push({ key: `${key}/identity:${person.userId}`, data: toIdentity(person, data.occurredAt) });
  }
  events.push({ key, data });
  return events;
}
