import type { WriteBatch } from '../connectors/destination.ts';
import type { PeopleStore } from '../store/people-store.ts';
import type { OperationReference, Store, StoredOperation } from '../store/store.ts';
import type { RoundLookups } from './lookups.ts';
import { linkKeysOf } from './write-plan.ts';

// References are bound when the write is sent, from what is already written: the links table
// (records Parley wrote, by key), the identity's first records (a persona's first post), and the
// CRM records a person already is (a Contact with their e-mail). One to a record Parley never
// planned stays empty rather than waiting (the store holds back those still planned).

/** What the round knows of records already written, read once for all its operations. */
export interface RoundBindings {
  /** The CRM id of the record of `object` Parley wrote under `key`, if any. */
  linkOf(object: string, key: string | undefined): string | undefined;
  /** The CRM id of the first record of `object` written for the identity `orderingKey`, if any. */
  firstOf(object: string, orderingKey: string): string | undefined;
  /** The primary identity of the person `identityKey` belongs to, when that is another identity (people-store.ts). */
  primaryOf?(identityKey: string): string | undefined;
}

/** A `later` reference a write went without: set once its record is written (the store keeps it). */
export interface UnboundReference { field: string; object: string; key: string }
/** A parent found by a `match` rule, kept as a link so the identity's other records can point at it too. */
export interface ParentLink { object: string; key: string; crmId: string }

export type Binding =
  /** A parent that can only be the identity's first record, and there is none yet: creating now would only fail. */
  | { kind: 'parent-missing'; reference: OperationReference }
  /** The write's fields with every reference that could be bound set to its CRM id. */
  | { kind: 'bound'; fields: Record<string, unknown>; unbound?: UnboundReference[]; links?: ParentLink[] };

/**
 * Reads the links and first records every operation of a round refers to, in two store reads.
 * @param destination the destination id the round is for
 */
export async function readRoundBindings(store: Pick<Store, 'readLinks' | 'readFirstRecords'> & { people?: Pick<PeopleStore, 'primaries'> }, destination: string, ops: readonly StoredOperation[]): Promise<RoundBindings> {
  // References that follow the person: their person's primary identity, and what that one's parent is.
  const following = [...new Set(ops.flatMap((op) => op.references.flatMap((r) => (r.person !== undefined ? [r.person] : []))))];
  const primaries = new Map(following.length > 0 && store.people ? (await store.people.primaries(following)).filter((p) => p.primaryKey !== p.key).map((p) => [p.key, p.primaryKey]) : []);
  const parentKeys = ops.flatMap((op) => op.references.flatMap((r) => {
    const primary = r.person !== undefined ? primaries.get(r.person) : undefined;
    return primary !== undefined ? [{ link: { object: `${op.object}.parent`, key: primary }, first: { object: r.object, orderingKey: `${destination}:${primary}` } }] : [];
  }));
  const links = new Map((await store.readLinks(destination, [...linkKeysOf([...ops]), ...parentKeys.map((k) => k.link)])).map((l) => [pairKey(l.object, l.key), l.crmId]));
  const firstKeys = ops.flatMap((op) => op.references.filter((r) => r.firstOfIdentity).map((r) => ({ object: r.object, orderingKey: op.orderingKey })));
  const firsts = new Map((await store.readFirstRecords(destination, [...firstKeys, ...parentKeys.map((k) => k.first)])).map((f) => [pairKey(f.object, f.orderingKey), f.crmId]));
  return {
    linkOf: (object, key) => (key === undefined ? undefined : links.get(pairKey(object, key))),
    firstOf: (object, orderingKey) => firsts.get(pairKey(object, orderingKey)),
    primaryOf: (identityKey) => primaries.get(identityKey),
  };
}

/**
 * Where a reference that follows the person points: the parent of the person's primary identity's
 * record (its matched parent, else its first record), when the identity is linked into a person
 * whose primary is another identity and that parent is known. Undefined otherwise: the reference
 * then resolves as the identity's own.
 */
function personParentOf(op: StoredOperation, ref: OperationReference, bindings: RoundBindings): string | undefined {
  const primary = ref.person !== undefined ? bindings.primaryOf?.(ref.person) : undefined;
  if (primary === undefined) return undefined;
  return bindings.linkOf(`${op.object}.parent`, primary) ?? bindings.firstOf(ref.object, `${op.destination}:${primary}`);
}

/**
 * Binds an operation's references for a write of kind `operation`. Deterministic given the round's
 * bindings and look-ups (no other I/O).
 *
 * - A record about to be created (not an update or a delete) whose reference has `match` rules is
 *   parented to the first CRM record a rule finds, as Salesforce's own social handler does; a
 *   look-up that fails counts as not found. The parent is returned in `links` (under
 *   `<object>.parent` and the operation's record key) so the person's posts can point at it.
 * - A `firstOfIdentity` reference with no match and no first record yet is `parent-missing`:
 *   not a failure (the person has not posted yet), the caller holds the operation back.
 * - A reference that follows the person (`person`, of an identity linked into a person whose
 *   primary is another identity) takes the primary's parent first, when it is known: no look-up,
 *   never held back. An `update` with such a reference (the one that moves a parent after an
 *   unmerge) looks its `match` rules up too, as a create does.
 * - Otherwise each reference takes its match, first record or link; a `later` one with none is
 *   left out of the fields and returned in `unbound`.
 */
export async function bindReferences(op: StoredOperation, operation: WriteBatch['operation'], bindings: RoundBindings, lookups: RoundLookups): Promise<Binding> {
  const creates = operation !== 'update' && operation !== 'delete';
  const ofPerson = new Map<string, string>();
  for (const ref of op.references) {
    const parent = personParentOf(op, ref, bindings);
    if (parent !== undefined) ofPerson.set(ref.field, parent);
  }
  const matched = new Map<string, string>();
  /** The object of the match rule that found each matched parent (Contact, Lead). */
  const matchedObject = new Map<string, string>();
  if (lookups.available) {
    for (const ref of op.references) {
      // A parent that follows the person is looked for on a create and on the update that moves it back (after an unmerge).
      if (ofPerson.has(ref.field) || !(creates || ref.person !== undefined)) continue;
      for (const m of ref.match ?? []) {
        const found = await lookups.lookup(m.object, m.field, m.value).catch(() => undefined);
        if (found) { matched.set(ref.field, found); matchedObject.set(ref.field, m.object); break; }
      }
    }
  }
  const orphan = creates ? op.references.find((r) => r.firstOfIdentity && !ofPerson.has(r.field) && !matched.has(r.field) && bindings.firstOf(r.object, op.orderingKey) === undefined) : undefined;
  if (orphan) return { kind: 'parent-missing', reference: orphan };

  const fields = { ...op.fields };
  const unbound: UnboundReference[] = [];
  for (const ref of op.references) {
    const crmId = ofPerson.get(ref.field) ?? matched.get(ref.field) ?? (ref.firstOfIdentity ? bindings.firstOf(ref.object, op.orderingKey) : bindings.linkOf(ref.object, ref.key));
    if (crmId !== undefined) fields[ref.field] = crmId;
    else if (ref.bind === 'later' && ref.key !== undefined) unbound.push({ field: ref.field, object: ref.object, key: ref.key });
  }
  const [parentField, parent] = [...matched.entries()][0] ?? [];
  // The parent, and the parent as that object (`SocialPersona.parent.Contact`) for `parentOf: Contact`.
  const links = parent !== undefined && op.recordKey !== undefined
    ? [{ object: `${op.object}.parent`, key: op.recordKey, crmId: parent }, { object: `${op.object}.parent.${matchedObject.get(parentField!)}`, key: op.recordKey, crmId: parent }]
    : undefined;
  return { kind: 'bound', fields, ...(unbound.length > 0 ? { unbound } : {}), ...(links ? { links } : {}) };
}

function pairKey(object: string, key: string): string {
  return `${object}\u0000${key}`;
}
