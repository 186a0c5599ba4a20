import type { DestinationClient } from '../connectors/destination.ts';
import type { StoredOperation } from '../store/store.ts';
import type { WritePlan } from './write-plan.ts';

// A round's look-ups, made together. After a crash a round may hold hundreds of operations whose
// sent write has an unknown outcome; each is looked up by its natural key before being written
// again. One call each cost ~4,000 SOQL queries in a crash loop (issue 17); asked together they
// cost one call per 100 records (the connector's `lookupMany`).

/** What the round asks of the CRM: the record of `object` whose `field` is `value`. */
export interface LookupKey { object: string; field: string; value: string }

/** Answers to a round's look-ups, made ahead in batches; anything not asked ahead is asked alone. */
export interface RoundLookups {
  /** Whether the destination can look records up at all. */
  readonly available: boolean;
  /** The CRM id for a key, or undefined when there is none; rejects as the CRM call did. */
  lookup(object: string, field: string, value: string): Promise<string | undefined>;
}

/**
 * Makes every look-up a round will need in as few calls as the connector allows, and answers the
 * round's planning from them. `plan` is the round's planning of one operation (planWrite): it is
 * run once with a look-up that only notes the key asked (whether a key is asked does not depend
 * on the answer), then the noted keys are looked up together; then, for operations about to
 * create a record, the keys of their references' `match` rules (`Contact.Email = …`) likewise.
 * Keys asked later that were not foreseen are looked up one call each.
 */
export async function lookUpRound(ops: readonly StoredOperation[], plan: (op: StoredOperation, lookups: Pick<DestinationClient, 'lookup'>) => Promise<WritePlan>,
  client: Pick<DestinationClient, 'lookup' | 'lookupMany'>): Promise<RoundLookups> {
  const answers = new Map<string, Promise<string | undefined>>();
  const available = client.lookup !== undefined || client.lookupMany !== undefined;
  const lookups: RoundLookups = {
    available,
    lookup: (object, field, value) => answers.get(keyOf({ object, field, value }))
      ?? (client.lookup ? client.lookup(object, field, value) : Promise.resolve(undefined)),
  };
  if (!available || ops.length === 0) return lookups;

  const asked: LookupKey[] = [];
  const noting: Pick<DestinationClient, 'lookup'> = { lookup: async (object, field, value) => { asked.push({ object, field, value }); return undefined; } };
  for (const op of ops) await plan(op, noting);
  await fetchTogether(asked, client, answers);

  const matches: LookupKey[] = [];
  for (const op of ops) {
    if (!op.references.some((r) => r.match && r.match.length > 0)) continue;
    const planned = await plan(op, lookups).catch(() => undefined);
    if (planned?.kind !== 'send' || planned.operation === 'update' || planned.operation === 'delete') continue;
    for (const ref of op.references) for (const m of ref.match ?? []) matches.push(m);
  }
  await fetchTogether(matches, client, answers);
  return lookups;
}

/**
 * Looks `keys` up, one `lookupMany` per (object, field) (the connector splits it into as many calls
 * as its API needs, each through the destination's limiter), and keeps an answer for each key, a rejection when its call failed.
 */
async function fetchTogether(keys: readonly LookupKey[], client: Pick<DestinationClient, 'lookup' | 'lookupMany'>,
  answers: Map<string, Promise<string | undefined>>): Promise<void> {
  const groups = new Map<string, { object: string; field: string; values: Set<string> }>();
  for (const key of keys) {
    if (answers.has(keyOf(key))) continue;
    const id = `${key.object}\u0000${key.field}`;
    const group = groups.get(id) ?? groups.set(id, { object: key.object, field: key.field, values: new Set() }).get(id)!;
    group.values.add(key.value);
  }
  await Promise.all([...groups.values()].map(async ({ object, field, values }) => {
    const list = [...values];
    if (!client.lookupMany) {
      for (const value of list) answers.set(keyOf({ object, field, value }), client.lookup!(object, field, value));
      return;
    }
    const found = client.lookupMany(object, field, list);
    // Not awaited by every key: a failed call must not surface as an unhandled rejection.
    found.catch(() => undefined);
    for (const value of list) answers.set(keyOf({ object, field, value }), found.then((map) => map.get(value)));
    await found.catch(() => undefined);
  }));
  for (const answer of answers.values()) answer.catch(() => undefined);
}

function keyOf(key: LookupKey): string {
  return `${key.object}\u0000${key.field}\u0000${key.value}`;
}
