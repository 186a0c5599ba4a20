import { z } from 'zod';
import { PayloadError, type ParseContext, type ParsedEvent } from '../../src/connectors/index.ts';
import { PersonId, TEST_ENTRY_ID, isPlaceholderId } from './ids.ts';
import { instantOf } from './time.ts';

/** What an item's reader knows besides the item: the entry it came in. */
export interface EntryScope {
  /** `entry.id`: the Page or Instagram account the update is for, i.e. the brand. */
  brand: string;
  /** `entry.time` as an instant (seconds or milliseconds, told apart by magnitude), when it has one. */
  entryTime: string | undefined;
  receivedAt: Date;
}

/** The outcome of reading one item: its events, or why it is malformed (a zod path relative to the item). */
export type ItemOutcome = { events: ParsedEvent[] } | { issue: { path: PropertyKey[]; message: string } };

/** Reads one item of a delivery (a `changes[].value`, a `messaging[]` item). */
export type ItemReader = (value: unknown, scope: EntryScope) => ItemOutcome;

/** An `ItemReader` from a schema for the item and a pure function of the parsed item. */
export function itemReader<T>(schema: z.ZodType<T>, build: (item: T, scope: EntryScope) => ParsedEvent[]): ItemReader {
  return (value, scope) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { events: build(parsed.data, scope) };
    const [issue] = parsed.error.issues;
    return { issue: { path: issue?.path ?? [], message: issue?.message ?? 'invalid' } };
  };
}

/** What one Meta source takes: its `object`, a reader per `changes[].field`, and one for `messaging[]`/`standby[]` items. */
export interface DeliveryShape {
  object: 'page' | 'instagram';
  /** Readers by field name; a field not here (`ratings`, `story_insights`, …) is not modelled and skipped. */
  changes: ReadonlyMap<string, ItemReader>;
  messaging: ItemReader;
}

const Envelope = z.object({ object: z.string(), entry: z.array(z.unknown()) });
const Entry = z.object({
  id: PersonId,
  time: z.unknown().optional(),
  changes: z.array(z.unknown()).optional(),
  messaging: z.array(z.unknown()).optional(),
  // Handover protocol: what another app of the Page holds the thread for; same item shape.
  standby: z.array(z.unknown()).optional(),
});
const Change = z.object({ field: z.string(), value: z.unknown().optional() });

/** Where the other object belongs, for the refusal of a delivery on the wrong route. */
const ROUTE_OF: Readonly<Record<string, string>> = { page: 'facebook', instagram: 'instagram' };

/** A JSON path such as `entry[0].changes[1].value.post_id`. */
function pathText(parts: readonly PropertyKey[]): string {
  return parts.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}

/**
 * Parses a Meta webhook delivery `{object, entry:[{id, time, changes[]|messaging[]|standby[]}]}`
 * (Graph API Webhooks docs, "Event Notifications"): many entries, many items per entry, fields mixed.
 *
 * - Another `object` than the source's (an Instagram delivery on the facebook route, `user`,
 *   `permissions`) is a PayloadError: it is kept as a dead letter, visible, instead of vanishing.
 * - Not modelled, skipped by design: a `changes[].field` without a reader; Meta's test
 *   notifications (`entry.id` "0") and entries whose id is a docs placeholder (`<PAGE_ID>`).
 * - A malformed item of a known kind (a comment without `comment_id`, an id past 2^53) fails the
 *   delivery with a PayloadError naming every such item's count and the first one's path. The parser
 *   has no other channel to report a skipped item, and a silently dropped item is worse than a
 *   visible dead letter; Meta's own payloads do not come malformed.
 * - Two items with the same key in one delivery (a retry batched beside the original, an item in
 *   both `messaging` and `standby`) give their events once.
 */
export function parseMetaDelivery(body: unknown, context: ParseContext, shape: DeliveryShape): ParsedEvent[] {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) throw new PayloadError('a Meta webhook payload is an object with "object" and an "entry" array');
  const { object, entry: entries } = envelope.data;
  if (object !== shape.object) {
    const route = Object.hasOwn(ROUTE_OF, object) ? ROUTE_OF[object] : undefined;
    throw new PayloadError(route
      ? `a delivery for object "${object}" belongs on the ${route} source; this one takes "${shape.object}"`
      : `object "${object}" is not modelled by Parley; this source takes "${shape.object}"`, 'object');
  }

  const problems: { path: string; message: string }[] = [];
  const events = new Map<string, ParsedEvent>();
  const read = (reader: ItemReader, value: unknown, scope: EntryScope, at: PropertyKey[]) => {
    const outcome = reader(value, scope);
    if ('issue' in outcome) {
      problems.push({ path: pathText([...at, ...outcome.issue.path]), message: outcome.issue.message });
      return;
    }
    for (const event of outcome.events) if (!events.has(event.key)) events.set(event.key, event);
  };

  entries.forEach((raw, e) => {
    const parsed = Entry.safeParse(raw);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      problems.push({ path: pathText(['entry', e, ...(issue?.path ?? [])]), message: issue?.message ?? 'invalid' });
      return;
    }
    const entry = parsed.data;
    if (entry.id === TEST_ENTRY_ID || isPlaceholderId(entry.id)) return;
    const scope: EntryScope = { brand: entry.id, entryTime: instantOf(entry.time), receivedAt: context.receivedAt };
    (entry.changes ?? []).forEach((rawChange, c) => {
      const change = Change.safeParse(rawChange);
      if (!change.success) {
        problems.push({ path: pathText(['entry', e, 'changes', c, ...(change.error.issues[0]?.path ?? [])]), message: change.error.issues[0]?.message ?? 'invalid' });
        return;
      }
      const reader = shape.changes.get(change.data.field);
      if (reader) read(reader, change.data.value, scope, ['entry', e, 'changes', c, 'value']);
    });
    for (const list of ['messaging', 'standby'] as const) {
      (entry[list] ?? []).forEach((item, m) => read(shape.messaging, item, scope, ['entry', e, list, m]));
    }
  });

  if (problems.length > 0) {
    const [first] = problems;
    const count = problems.length === 1 ? 'one malformed item' : `${problems.length} malformed items`;
    throw new PayloadError(`${count} in the Meta delivery; the first at ${first!.path}: ${first!.message}`, first!.path);
  }
  return [...events.values()];
}
