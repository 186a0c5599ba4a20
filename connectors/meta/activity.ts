import { createHash } from 'node:crypto';
import { identityKey, type Erasure, type Identity, type Interaction, type ParsedEvent, type PersonRef } from '../../src/connectors/index.ts';

/** A person (or the brand's Page/account) as a Meta item names them. */
export interface Person {
  /** `facebook` (feed authors), `messenger` (page-scoped PSIDs) or `instagram` (IGSIDs, comment authors). */
  network: string;
  userId: string;
  /** Instagram `username`. */
  handle?: string | undefined;
  /** Facebook `from.name` / `sender_name`. */
  displayName?: string | undefined;
  profileUrl?: string | undefined;
}

/** A copy of `object` without its undefined-valued keys: the model uses absent keys, not undefined. */
export function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** `value` when it is a non-empty string, else undefined (Meta sends `""` and `null` for "none"). */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The reference an interaction gives to a person. */
export function personRef(person: Person): PersonRef {
  return compact({ key: identityKey(person.network, person.userId), userId: person.userId, handle: person.handle });
}

/** `outbound` when the brand (the entry's Page or Instagram account) did it. */
export function directionOf(actorId: string | undefined, brand: string): Interaction['direction'] {
  return actorId === brand ? 'outbound' : 'inbound';
}

/** A profile observation of `person` as of `observedAt`. */
export function toIdentity(person: Person, observedAt: string): Identity {
  return compact({
    kind: 'identity' as const,
    network: person.network,
    userId: person.userId,
    key: identityKey(person.network, person.userId),
    handle: person.handle,
    displayName: person.displayName,
    profileUrl: person.profileUrl,
    observedAt,
  });
}

/**
 * The events of one activity: an identity per distinct person it names (never the brand, whose
 * own Page or account is not a customer), then the interaction or erasure itself, keyed `key`.
 * A Messenger sender carries only a PSID; it still gets an identity, so a CRM mapping has a
 * persona to attach the message to. Erasures carry no identity: a deletion is no profile update.
 */
export function activityEvents(key: string, data: Interaction | Erasure, people: readonly (Person | undefined)[], brand: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  if (data.kind === 'interaction') {
    const seen = new Set<string>();
    for (const person of people) {
      if (!person || person.userId === brand || seen.has(person.userId)) continue;
      seen.add(person.userId);
      events.push({ key: `${key}/identity:${person.userId}`, data: toIdentity(person, data.occurredAt) });
    }
  }
  events.push({ key, data });
  return events;
}

/**
 * A short digest of an edited item's content, for its event key: an edit must not be deduplicated
 * against the original or an earlier edit, while Meta's retry of the same edit must be.
 */
export function contentDigest(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
