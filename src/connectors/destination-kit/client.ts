import pRetry, { AbortError } from 'p-retry';
import type { DestinationSession } from '../destination-session.ts';
import type { DestinationClient, DestinationContext, DestinationDefinition, UsageReading, VendorError, WriteBatch, WriteHooks, WriteResult } from '../destination.ts';
import { DEFAULT_RETRY_POLICY, pRetryOptions, type RetryPolicy } from './retry-policy.ts';
import { writeBatch } from './write-loop.ts';
import { writeBulkJob } from './bulk-loop.ts';

/**
 * Runs one CRM call through the destination's limiter (src/outbox/limits): `live` calls (the
 * default) start before `resync` calls waiting on the same limiter.
 */
export type Schedule = <T>(call: () => Promise<T>, options?: { priority?: 'live' | 'resync' }) => Promise<T>;

/** How Parley runs a destination: its limiter, its in-call retries, and the two signals the dispatcher listens to. */
export interface DestinationKitOptions {
  /** Every CRM call goes through it: writes (each call of a split or a retry on its own), look-ups, catalog, usage reads. Default: run at once. */
  schedule?: Schedule;
  /** Retries inside a call; default 3 tries more, 0.5–4 s apart. */
  retry?: RetryPolicy;
  /** Every quota reading the CRM sent (the one channel for usage). */
  onUsage?: (reading: UsageReading) => void;
  /** A call refused for quota, with the wait `classify` derived (the one channel for rate limits): the destination pauses that long. */
  onRateLimited?: (retryAfterMs: number, error: VendorError) => void;
  /** Waits between a bulk job's status reads, ms; default a timer (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
}

/** Any thrown value, as the Error p-retry needs. */
class Carried extends Error {
  constructor(readonly original: unknown) {
    super('a look-up failed');
  }
}

/** Default values a connector need not give. */
const DEFAULT_MAX_LOOKUP_VALUES = 100;

/**
 * Connects a destination: the connector's `connect` opens a vendor session, and the kit wraps it in
 * the client the core uses. The one way Parley (dispatcher, conformance kit) gets a client.
 * @throws whatever the connector's `connect` throws (ParleyError PARLEY_DESTINATION_CONFIG,
 *   _UNREACHABLE, _UNTRUSTED_HOST, _REDIRECTED)
 */
export async function connectDestination<C>(definition: DestinationDefinition<C>, config: C, context: DestinationContext, options: DestinationKitOptions = {}): Promise<DestinationClient> {
  const session = await definition.connect(config, context);
  return createDestinationClient(definition, config, session, context, options);
}

/**
 * The client for a connected session (see `DestinationClient`): writes through the write loop
 * (write-loop.ts), look-ups split into calls of at most `limits.maxLookupValues` values and retried
 * like writes, usage passed on after every call, every call through `schedule`.
 */
export function createDestinationClient<C>(definition: DestinationDefinition<C>, config: C, session: DestinationSession, context: Pick<DestinationContext, 'name' | 'logger'>,
  options: DestinationKitOptions = {}): DestinationClient {
  const schedule: Schedule = options.schedule ?? ((call) => call());
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  let latest: UsageReading | undefined;
  const noteUsage = (reading: UsageReading | undefined) => {
    if (!reading || reading === latest) return;
    latest = reading;
    options.onUsage?.(reading);
  };
  /** One CRM call: through the limiter, the usage its answer carried passed on, succeed or fail. */
  const call = <T>(run: () => Promise<T>, priority?: WriteHooks['priority']): Promise<T> => schedule(async () => {
    try { return await run(); } finally { noteUsage(session.usage?.()); }
  }, priority ? { priority } : undefined);
  const classify = (error: unknown, matchKey?: string) => definition.classify(error, { ...(matchKey ? { matchKey } : {}), config });
  const rateLimited = (waitMs: number, error: VendorError) => options.onRateLimited?.(waitMs, error);

  /**
   * A read (look-up, catalog), tried again like a write when the failure is transient; a quota
   * refusal is signalled. Rejects with what the session threw (carried through p-retry, which takes
   * only Errors).
   */
  const readCall = <T>(run: () => Promise<T>, priority?: WriteHooks['priority']): Promise<T> => pRetry(async () => {
    try {
      return await call(run, priority);
    } catch (error) {
      const classification = classify(error);
      if (classification.kind === 'retryable') throw new Carried(error);
      if (classification.kind === 'rate-limited') rateLimited(classification.retryAfterMs, definition.describeError(error));
      throw new AbortError(new Carried(error));
    }
  }, pRetryOptions(retry)).catch((error: unknown) => { throw error instanceof Carried ? error.original : error; });

  /** A request not safe to repeat (a bulk upload or close): once, a quota refusal signalled. */
  const onceCall = async <T>(run: () => Promise<T>, priority?: WriteHooks['priority']): Promise<T> => {
    try {
      return await call(run, priority);
    } catch (error) {
      const classification = classify(error);
      if (classification.kind === 'rate-limited') rateLimited(classification.retryAfterMs, definition.describeError(error));
      throw error;
    }
  };

  const lookupMany = async (object: string, field: string, values: readonly string[]): Promise<Map<string, string>> => {
    const size = definition.limits.maxLookupValues ?? DEFAULT_MAX_LOOKUP_VALUES;
    const unique = [...new Set(values)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += size) chunks.push(unique.slice(i, i + size));
    const answers = await Promise.all(chunks.map((chunk) => readCall(() => session.lookup!(object, field, chunk))));
    const asked = new Set(unique);
    const found = new Map<string, string>();
    for (const answer of answers) for (const [value, id] of answer) if (asked.has(value) && !found.has(value)) found.set(value, id);
    return found;
  };

  const client: DestinationClient = {
    // One 503 among a catalog's describes would otherwise fail the whole connect until its backoff.
    catalog: () => readCall(() => session.describe()),
    async write(batch: WriteBatch, hooks: WriteHooks = {}) {
      // The hook runs once the limiter lets the first call through (the outbox marks the operations
      // sent, so after a crash only they are looked up). Nothing is sent until it has succeeded; if
      // it never does, the write rejects with its error, which is Parley's, not the CRM's.
      let marked = hooks.beforeSend === undefined;
      let hookError: unknown;
      const results = await writeBatch(batch, {
        name: context.name, maxBatchSize: definition.limits.maxBatchSize, retry,
        send: (part) => call(async () => {
          if (!marked) {
            try { await hooks.beforeSend!(); } catch (error) { hookError = error; throw error; }
            marked = true;
            hookError = undefined;
          }
          return session.send(part);
        }, hooks.priority),
        classify, describe: (error) => definition.describeError(error), precheck: definition.precheck,
        onRateLimited: rateLimited, logger: context.logger,
      });
      if (hookError !== undefined) throw hookError;
      return results;
    },
    usage: () => latest ?? session.usage?.(),
    close: () => session.close(),
  };
  if (session.recordUrl) client.recordUrl = (object, recordId) => session.recordUrl!(object, recordId);
  const bulkLimits = definition.limits.bulk;
  if (session.bulk && bulkLimits) {
    const bulk = session.bulk;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); }));
    const runJob = (batch: WriteBatch, purge: boolean, hooks: WriteHooks) => writeBulkJob(batch, { purge }, {
      name: context.name, bulk, limits: bulkLimits, classify,
      // Every request of the job waits on the limiter with the write's priority (a resync's behind live ones).
      retried: (run) => readCall(run, hooks.priority), once: (run) => onceCall(run, hooks.priority), describe: (error) => definition.describeError(error),
      precheck: definition.precheck, beforeSend: hooks.beforeSend, sleep, logger: context.logger,
    });
    // Under minRecords a job costs more calls than it saves: `write` in parts of maxBatchSize, one after the other.
    client.writeBulk = async (batch, hooks = {}) => {
      if (batch.operations.length >= bulkLimits.minRecords) return runJob(batch, false, hooks);
      const results = new Map<string, WriteResult>();
      const size = definition.limits.maxBatchSize;
      for (let i = 0; i < batch.operations.length; i += size) {
        const part = await client.write({ ...batch, operations: batch.operations.slice(i, i + size) }, hooks);
        for (const [id, result] of part) if (!results.has(id)) results.set(id, result);
      }
      return results;
    };
    client.purge = (object, recordIds, hooks = {}) => runJob({ object, operation: 'delete', operations: recordIds.map((id) => ({ id, recordId: id, fields: {} })) }, true, hooks);
  }
  if (session.lookup) {
    client.lookupMany = lookupMany;
    client.lookup = async (object, field, value) => (await lookupMany(object, field, [value])).get(value);
  }
  if (session.readUsage) {
    client.refreshUsage = async () => {
      const reading = await call(() => session.readUsage!());
      noteUsage(reading);
      return reading;
    };
  }
  return client;
}
