import type { PlannedOperation } from '../mappings/plan-operations.ts';
import type { CanonicalData } from '../model/index.ts';
import type { ConsentStore } from '../store/consent-store.ts';
import type { ConsentPolicy } from './policy-schema.ts';

/** Whether the person an event is about has consented, by event id. */
export type ConsentOf = (eventId: string) => boolean;

/**
 * The identity whose consent an event's CRM writes need: an identity event's `key`, an
 * interaction's `author.key`; undefined for an interaction without an author (the policy's default
 * applies) and for an erasure (it writes nothing personal).
 */
export function consentSubject(data: CanonicalData): string | undefined {
  if (data.kind === 'identity') return data.key;
  if (data.kind === 'interaction') return data.author?.key;
  return undefined;
}

/**
 * The operations as they may be queued: for an event whose person has not consented, the fields
 * its mapping marks `personal: true` are left out. An operation that finds its record by a personal
 * field (its `matchKey` is one) is left out whole: it cannot be written without that value, and
 * writing it under another key would make a second record. Pure.
 * @param consentOf by event id (`consentLookup` makes one for a page of events)
 */
export function applyConsent<T extends PlannedOperation>(ops: readonly T[], consentOf: ConsentOf): T[] {
  const out: T[] = [];
  for (const op of ops) {
    if (!op.personal || op.personal.length === 0 || consentOf(op.eventId)) { out.push(op); continue; }
    const personal = new Set(op.personal);
    if (op.matchKey !== undefined && personal.has(op.matchKey)) continue;
    // `personal` goes too: it would name fields the operation no longer has.
    const rest: T = { ...op, fields: Object.fromEntries(Object.entries(op.fields).filter(([name]) => !personal.has(name))) };
    delete rest.personal;
    out.push(rest);
  }
  return out;
}

/**
 * Reads the recorded consent of the people a page of events is about, in one query, and answers
 * per event: their answer, else the policy's default (`policies.consent.default`). An erasure
 * always passes (nothing personal is written for it).
 */
export async function consentLookup(consents: ConsentStore, policy: ConsentPolicy, events: ReadonlyArray<{ id: string; data: CanonicalData }>): Promise<ConsentOf> {
  const byDefault = policy.default === 'granted';
  const subjects = new Map(events.map((e) => [e.id, e.data.kind === 'erasure' ? null : consentSubject(e.data)]));
  const keys = [...new Set([...subjects.values()].filter((k): k is string => typeof k === 'string'))];
  const recorded = new Map((await consents.of(keys)).map((c) => [c.identityKey, c.granted]));
  return (eventId) => {
    const subject = subjects.get(eventId);
    if (subject === null) return true;
    return (subject !== undefined ? recorded.get(subject) : undefined) ?? byDefault;
  };
}
