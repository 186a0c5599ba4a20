import { pino } from 'pino';
import type { CatalogObject, DestinationClient, DestinationDefinition, ObjectCatalog, WriteBatch, WriteResult } from '../../connectors/destination.ts';
import type { ActiveDestination } from '../../connectors/destination-registry.ts';
import type { OperationOutcome, Store, StoredOperation } from '../../store/store.ts';
import type { RetrySchedule } from '../backoff.ts';
import type { DestinationRuntime } from '../dispatcher-types.ts';
import { createDestinationLimiter } from '../limits/destination-limiter.ts';

// Fakes for the outbox's unit tests: a destination that answers what the test says, a store kept in
// memory, a logger that keeps its lines, and operations as the store would lease them. No network.

/** 2026-12-02 10:00 UTC, the fake clock's start. */
export const T0 = Date.parse('2026-12-02T10:00:00Z');

/** A retry schedule with round numbers: 10 s, 1 min, 5 min; an operation older than a day is dead. */
export const SCHEDULE: RetrySchedule = { stepsMs: [10_000, 60_000, 300_000], maxAgeMs: 24 * 3600_000 };

/** An operation as the store leases it: an upsert of a SocialPost by ExternalPostId, planned at T0. */
export function operation(id: string, extra: Partial<StoredOperation> = {}): StoredOperation {
  return {
    id, eventId: `e-${id}`, mappingId: 'sf-x-post', destination: 'crm', object: 'SocialPost', operation: 'upsert', matchKey: 'ExternalPostId', matchValue: id,
    recordKey: id, orderingKey: 'crm:x:1', fields: { Content: `post ${id}` }, references: [], state: 'leased', attempts: 0,
    nextAttemptAt: new Date(T0).toISOString(), outcomeUnknown: false, createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString(), ...extra,
  };
}

/** A catalog object with the given fields (text, createable); `upsertKey` names the one that is an External ID. */
export function catalogObject(name: string, fields: string[], upsertKey?: string): CatalogObject {
  return {
    name, label: name, createable: true, updateable: true, deletable: true,
    fields: fields.map((f) => ({ name: f, label: f, vendorType: 'string', valueType: 'string', required: false, nillable: true, createable: true, updateable: true, upsertKey: f === upsertKey })),
  };
}

/** SocialPost (ExternalPostId, no External ID) and SocialPersona, as the tests' CRM has them. */
export const CATALOG: ObjectCatalog = { objects: [catalogObject('SocialPost', ['ExternalPostId', 'Content', 'PersonaId', 'WhoId']), catalogObject('SocialPersona', ['ExternalPersonaId', 'ParentId'])] };

/** A logger that keeps every line. */
export function recordingLogger() {
  const lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (fields: object, message?: string) => { lines.push({ level, fields: fields as Record<string, unknown>, message: message ?? '' }); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** How the fake destination answers one write: results by operation id, or a rejection. */
export type WriteAnswer = (batch: WriteBatch) => Map<string, WriteResult> | Promise<Map<string, WriteResult>>;

/** Every operation of the batch done, its record id `ID-<operation id>`. */
export const allDone: WriteAnswer = (batch) => new Map(batch.operations.map((o) => [o.id, { status: 'done', recordId: `ID-${o.id}` } as WriteResult]));

/**
 * A destination client that writes by `answer`, looks records up in `records` (object → value → id),
 * and keeps every call. `beforeSend` is awaited before the answer, as the kit does.
 */
export function fakeClient(options: { answer?: WriteAnswer; records?: Record<string, Record<string, string>>; catalog?: ObjectCatalog; lookups?: boolean } = {}) {
  const writes: WriteBatch[] = [];
  const lookups: Array<{ object: string; field: string; value: string }> = [];
  let closed = 0;
  const client: DestinationClient = {
    catalog: async () => options.catalog ?? CATALOG,
    write: async (batch, hooks) => {
      writes.push(batch);
      await hooks?.beforeSend?.();
      return (options.answer ?? allDone)(batch);
    },
    ...(options.lookups === false ? {} : {
      lookup: async (object: string, field: string, value: string) => {
        lookups.push({ object, field, value });
        return options.records?.[object]?.[value];
      },
    }),
    usage: () => undefined,
    close: async () => { closed++; },
  };
  return { client, writes, lookups, get closed() { return closed; } };
}

/** An in-memory store of the parts the dispatcher's steps use: what it leases, links, first records, and what it was told. */
export function fakeStore(options: { due?: StoredOperation[]; links?: Array<{ object: string; key: string; crmId: string }>; firsts?: Array<{ object: string; orderingKey: string; crmId: string }> } = {}) {
  const recorded: OperationOutcome[][] = [];
  const marked: string[][] = [];
  const claims: Array<{ destination: string; owner: string; now: Date; leaseMs: number; limit: number; only?: 'live' | 'resync' }> = [];
  let due = [...(options.due ?? [])];
  const store: Pick<Store, 'claimOperations' | 'recordOutcomes' | 'markSent' | 'readLinks' | 'readFirstRecords'> = {
    // `only` as the stores read it: live operations have no resync job.
    claimOperations: async (destination, o) => {
      claims.push({ destination, ...o });
      const fits = (op: StoredOperation) => o.only === undefined || (o.only === 'live') === (op.resyncId === undefined);
      const leased = due.filter(fits).slice(0, o.limit);
      due = due.filter((op) => !leased.includes(op));
      return leased;
    },
    recordOutcomes: async (outcomes) => { recorded.push(outcomes); return outcomes.length; },
    markSent: async (ids) => { marked.push(ids); return ids.length; },
    readLinks: async (_destination, keys) => (options.links ?? []).filter((l) => keys.some((k) => k.object === l.object && k.key === l.key)),
    readFirstRecords: async (_destination, keys) => (options.firsts ?? []).filter((f) => keys.some((k) => k.object === f.object && k.orderingKey === f.orderingKey)),
  };
  /** Queues more due operations, as a plan committed meanwhile would. */
  const add = (...ops: StoredOperation[]) => { due.push(...ops); };
  return { store, recorded, marked, claims, add };
}

/** A destination runtime as the dispatcher keeps one: `crm`, batches of `maxBatchSize` (default 3), state `ready`. */
export function runtime(extra: Partial<DestinationRuntime> & { maxBatchSize?: number; budgetReserve?: number } = {}): DestinationRuntime {
  const { maxBatchSize = 3, budgetReserve = 0.1, ...rest } = extra;
  const definition = { id: 'fake-crm', limits: { maxBatchSize, maxConcurrent: 1, minTimeMs: 0 } } as unknown as DestinationDefinition<unknown>;
  const destination = { id: 'crm', definition, config: {}, budgetReserve, limits: { maxConcurrent: 1, minTimeMs: 0 } } as unknown as ActiveDestination;
  return { destination, definition, limiter: createDestinationLimiter({ destination: 'crm', maxConcurrent: 10, minTimeMs: 0, logger: pino({ level: 'silent' }) }), state: 'ready', pausedUntil: 0, failures: 0, ...rest };
}
