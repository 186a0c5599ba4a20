import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BulkIngestSession, BulkJobStatus, BulkRowOutcome, DestinationSession } from '../destination-session.ts';
import { defineDestination, type ErrorClass, type VendorError, type WriteBatch, type WriteResult } from '../destination.ts';
import { createDestinationClient, type DestinationKitOptions } from './client.ts';

// The kit's bulk jobs against a fake vendor: the order of requests, the limiter, the bounded wait,
// and results keyed by operation id whatever order the vendor answers in.

const CLASSES: Record<string, ErrorClass> = {
  LOCKED: { kind: 'retryable' },
  DOWN: { kind: 'retryable' },
  BAD_VALUE: { kind: 'permanent', scope: 'record' },
  BAD_COLUMN: { kind: 'permanent', scope: 'config' },
  QUOTA: { kind: 'rate-limited', retryAfterMs: 60_000 },
};
const codeOf = (error: unknown) => (error as { code?: string }).code ?? 'UNKNOWN';

const definition = defineDestination<Record<string, never>>({
  id: 'fake', displayName: 'Fake CRM', sdk: '^2.0.0', configSchema: z.object({}),
  limits: { maxBatchSize: 4, maxConcurrent: 1, minTimeMs: 0, bulk: { minRecords: 3, maxRecords: 10, pollIntervalMs: 50, maxWaitMs: 200 } },
  classify: (error) => CLASSES[codeOf(error)] ?? { kind: 'retryable' },
  describeError: (error): VendorError => ({ code: codeOf(error), message: `fake says ${codeOf(error)}` }),
  connect: async () => { throw new Error('not used'); },
});

/** How the fake vendor's job behaves; every field optional. */
interface Script {
  /** Status reads answering in-progress before the final state. */
  polls?: number;
  final?: BulkJobStatus;
  /** Per operation id: the row's outcome; absent ids are unprocessed unless `lost`. */
  rows?: (ids: string[]) => Record<string, BulkRowOutcome['result'] | 'unprocessed' | 'lost'>;
  /** A step that throws `{ code }` (on its first `times` calls, default every call). */
  fail?: { step: keyof BulkIngestSession; code: string; times?: number };
}

function fakeBulkVendor(script: Script = {}, options: DestinationKitOptions = {}, destination: typeof definition = definition) {
  const requests: string[] = [];
  const sleeps: number[] = [];
  let scheduled = 0;
  let polls = 0;
  const failures = new Map<string, number>();
  const step = <T>(name: keyof BulkIngestSession, run: () => T): Promise<T> => {
    requests.push(name);
    if (script.fail?.step === name) {
      const seen = (failures.get(name) ?? 0) + 1;
      failures.set(name, seen);
      if (seen <= (script.fail.times ?? Infinity)) return Promise.reject({ code: script.fail.code });
    }
    return Promise.resolve(run());
  };
  const outcomes = (batch: WriteBatch) => (script.rows ?? ((ids) => Object.fromEntries(ids.map((id) => [id, { ok: true as const, recordId: `crm-${id}` }]))))(batch.operations.map((op) => op.id));
  const purges: boolean[] = [];
  const bulk: BulkIngestSession = {
    create: (_batch, { purge }) => step('create', () => { purges.push(purge); return 'job-1'; }),
    upload: () => step('upload', () => undefined),
    close: () => step('close', () => undefined),
    status: () => step('status', () => (polls++ < (script.polls ?? 1) ? { state: 'in-progress' as const } : script.final ?? { state: 'complete' as const })),
    // Answered in reverse order: the kit keys by operation id, never by position.
    processed: (_id, batch, which) => step('processed', () => Object.entries(outcomes(batch))
      .filter(([, r]) => typeof r === 'object' && r.ok === (which === 'successful'))
      .map(([operationId, result]) => ({ operationId, result: result as BulkRowOutcome['result'] })).reverse()),
    unprocessed: (_id, batch) => step('unprocessed', () => Object.entries(outcomes(batch)).filter(([, r]) => r === 'unprocessed').map(([id]) => id)),
    abort: () => step('abort', () => undefined),
  };
  const sent: string[][] = [];
  const session: DestinationSession = {
    describe: async () => ({ objects: [] }),
    send: async (batch) => { sent.push(batch.operations.map((op) => op.id)); return batch.operations.map((op) => ({ ok: true, recordId: `rest-${op.id}` })); },
    bulk,
    close: async () => undefined,
  };
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const client = createDestinationClient(destination, {}, session, { name: 'fake', logger }, {
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
    schedule: (call) => { scheduled++; return call(); },
    sleep: async (ms) => { sleeps.push(ms); },
    ...options,
  });
  return { client, requests, sleeps, sent, purges, get scheduled() { return scheduled; } };
}

const upsert = (...ids: string[]): WriteBatch => ({ object: 'Post', operation: 'upsert', matchKey: 'Key', operations: ids.map((id) => ({ id, fields: { Key: `k-${id}` } })) });
const statuses = (results: Map<string, WriteResult>) => Object.fromEntries([...results].map(([id, r]) => [id, r.status === 'permanent' ? `permanent/${r.scope}` : r.status]));

describe('the destination kit: bulk jobs', () => {
  it('runs create, upload, close, polls and the three result reads, each through the limiter; results keyed by operation id', async () => {
    const vendor = fakeBulkVendor({ polls: 2 });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c', 'd', 'e'));
    expect(vendor.requests).toEqual(['create', 'upload', 'close', 'status', 'status', 'status', 'processed', 'processed', 'unprocessed']);
    expect(vendor.scheduled).toBe(vendor.requests.length);
    expect(vendor.sleeps).toEqual([50, 50]);
    expect(results.get('c')).toEqual({ status: 'done', recordId: 'crm-c' });
    expect(results.size).toBe(5);
  });

  it('puts every request of a job on the limiter with the write\'s priority', async () => {
    const priorities: Array<string | undefined> = [];
    const vendor = fakeBulkVendor({}, { schedule: (call, options) => { priorities.push(options?.priority); return call(); } });
    await vendor.client.writeBulk!(upsert('a', 'b', 'c', 'd', 'e'), { priority: 'resync' });
    expect(priorities.length).toBe(vendor.requests.length);
    expect(new Set(priorities)).toEqual(new Set(['resync']));
  });

  it('classifies failed rows, answers unprocessed rows retryable and rows without any answer retryable with outcome unknown', async () => {
    const vendor = fakeBulkVendor({ rows: () => ({ a: { ok: false, error: { code: 'BAD_VALUE' } }, b: { ok: false, error: { code: 'LOCKED' } }, c: 'unprocessed', d: 'lost', e: { ok: true, recordId: 'x' } }) });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c', 'd', 'e'));
    expect(statuses(results)).toEqual({ a: 'permanent/record', b: 'retryable', c: 'retryable', d: 'retryable', e: 'done' });
    expect(results.get('c')).toMatchObject({ error: { code: 'BULK_UNPROCESSED' } });
    expect(results.get('c')).not.toHaveProperty('outcomeUnknown');
    expect(results.get('d')).toMatchObject({ outcomeUnknown: true, error: { code: 'BULK_RESULT_MISSING' } });
  });

  it('writes a batch under minRecords through write, and refuses one over maxRecords before sending', async () => {
    const vendor = fakeBulkVendor();
    expect(statuses(await vendor.client.writeBulk!(upsert('a', 'b')))).toEqual({ a: 'done', b: 'done' });
    expect(vendor.sent).toEqual([['a', 'b']]);
    expect(vendor.requests).toEqual([]);
    const big = await vendor.client.writeBulk!(upsert(...'abcdefghijk'.split('')));
    expect(new Set(Object.values(statuses(big)))).toEqual(new Set(['permanent/bug']));
    expect(vendor.requests).toEqual([]);
  });

  it('writes a batch under minRecords but over maxBatchSize through write, in parts of maxBatchSize', async () => {
    const vendor = fakeBulkVendor({}, {}, { ...definition, limits: { ...definition.limits, bulk: { minRecords: 6, maxRecords: 10 } } });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c', 'd', 'e'));
    expect(vendor.sent).toEqual([['a', 'b', 'c', 'd'], ['e']]);
    expect(results.get('e')).toEqual({ status: 'done', recordId: 'rest-e' });
    expect(vendor.requests).toEqual([]);
  });

  it('aborts a job whose upload failed and answers every operation with the failure\'s class, never re-uploading', async () => {
    const vendor = fakeBulkVendor({ fail: { step: 'upload', code: 'DOWN' } });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c'));
    expect(vendor.requests).toEqual(['create', 'upload', 'abort']);
    expect(results.get('a')).toEqual({ status: 'retryable', error: { code: 'DOWN', message: 'fake says DOWN' } });
  });

  it('retries a transient failure of a request that is safe to repeat (create, status, result reads)', async () => {
    const vendor = fakeBulkVendor({ fail: { step: 'status', code: 'DOWN', times: 1 }, polls: 0 });
    expect(statuses(await vendor.client.writeBulk!(upsert('a', 'b', 'c')))).toEqual({ a: 'done', b: 'done', c: 'done' });
    expect(vendor.requests.filter((r) => r === 'status')).toHaveLength(2);
  });

  it('gives up waiting after maxWaitMs: aborts, keeps what was processed, answers the rest retryable', async () => {
    const vendor = fakeBulkVendor({ polls: 100, rows: () => ({ a: { ok: true, recordId: 'x' }, b: 'unprocessed', c: 'unprocessed' }) });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c'));
    expect(vendor.requests.filter((r) => r === 'status')).toHaveLength(4);
    expect(vendor.requests).toContain('abort');
    expect(statuses(results)).toEqual({ a: 'done', b: 'retryable', c: 'retryable' });
  });

  it('answers the rows a failed job left unprocessed with the job\'s own error, classified', async () => {
    const vendor = fakeBulkVendor({ final: { state: 'failed', error: { code: 'BAD_COLUMN' } }, rows: (ids) => Object.fromEntries(ids.map((id) => [id, 'unprocessed' as const])) });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c'));
    expect(statuses(results)).toEqual({ a: 'permanent/config', b: 'permanent/config', c: 'permanent/config' });
    expect(results.get('a')).toMatchObject({ error: { code: 'BAD_COLUMN' } });
  });

  it('signals a quota refusal once and answers every operation rate-limited', async () => {
    const waits: number[] = [];
    const vendor = fakeBulkVendor({ fail: { step: 'create', code: 'QUOTA' } }, { onRateLimited: (ms) => waits.push(ms) });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c'));
    expect(waits).toEqual([60_000]);
    expect(results.get('b')).toMatchObject({ status: 'rate-limited', retryAfterMs: 60_000 });
    expect(vendor.requests).toEqual(['create']);
  });

  it('answers rows with outcome unknown when the job ran but its status could not be read', async () => {
    const vendor = fakeBulkVendor({ fail: { step: 'status', code: 'BAD_VALUE' } });
    const results = await vendor.client.writeBulk!(upsert('a', 'b', 'c'));
    expect(results.get('a')).toMatchObject({ status: 'retryable', outcomeUnknown: true });
    expect(vendor.requests).toEqual(['create', 'upload', 'close', 'status', 'abort']);
  });

  it('purges by record id with a purge job, whatever the count, keyed by record id', async () => {
    const vendor = fakeBulkVendor();
    const results = await vendor.client.purge!('Post', ['r1', 'r2']);
    expect(vendor.purges).toEqual([true]);
    expect(new Set(results.keys())).toEqual(new Set(['r1', 'r2']));
    expect(statuses(results)).toEqual({ r1: 'done', r2: 'done' });
  });

  it('marks the write sent once, inside the first request, and rejects with the marking\'s error without sending', async () => {
    let marked = 0;
    const vendor = fakeBulkVendor({ fail: { step: 'create', code: 'DOWN', times: 1 } });
    await vendor.client.writeBulk!(upsert('a', 'b', 'c'), { beforeSend: async () => { marked++; } });
    expect(marked).toBe(1);
    const failing = fakeBulkVendor();
    await expect(failing.client.writeBulk!(upsert('a', 'b', 'c'), { beforeSend: async () => { throw new Error('database is locked'); } })).rejects.toThrow('database is locked');
    expect(failing.requests).toEqual([]);
  });

  it('offers no writeBulk or purge when the connector has no bulk jobs', () => {
    const session: DestinationSession = { describe: async () => ({ objects: [] }), send: async () => [], close: async () => undefined };
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const client = createDestinationClient(definition, {}, session, { name: 'fake', logger });
    expect(client.writeBulk).toBeUndefined();
    expect(client.purge).toBeUndefined();
  });
});
