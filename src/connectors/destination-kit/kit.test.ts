import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DestinationSession, VendorRecordResult } from '../destination-session.ts';
import { defineDestination, type ErrorClass, type UsageReading, type VendorError, type WriteBatch, type WriteResult } from '../destination.ts';
import { createDestinationClient, type DestinationKitOptions } from './client.ts';

// The destination kit against a fake vendor: the behaviour every connector gets without writing it.
// The fake's errors are `{ code }` objects; its classify is a table, as a real connector's is.

const CLASSES: Record<string, ErrorClass> = {
  LOCKED: { kind: 'retryable' },
  DOWN: { kind: 'retryable' },
  CUT: { kind: 'retryable', outcomeUnknown: true },
  BAD_VALUE: { kind: 'permanent', scope: 'record' },
  BAD_FIELD: { kind: 'permanent', scope: 'record' },
  QUOTA: { kind: 'rate-limited', retryAfterMs: 60_000 },
  DENIED: { kind: 'permanent', scope: 'config' },
};
const codeOf = (error: unknown) => (error as { code?: string }).code ?? 'UNKNOWN';

const definition = defineDestination<{ tag: string }>({
  id: 'fake', displayName: 'Fake CRM', sdk: '^2.0.0', configSchema: z.object({ tag: z.string() }),
  limits: { maxBatchSize: 8, maxConcurrent: 1, minTimeMs: 0, maxLookupValues: 3 },
  classify: (error) => CLASSES[codeOf(error)] ?? { kind: 'retryable' },
  describeError: (error): VendorError => ({ code: codeOf(error), message: `fake says ${codeOf(error)}` }),
  precheck: (_batch, op) => (op.recordId?.startsWith('bad') ? { code: 'MALFORMED_ID', message: `malformed id ${op.recordId}` } : undefined),
  connect: async () => { throw new Error('not used: the tests build the client from a session'); },
});

/** What the fake vendor does with a call: `answer` decides per call (by its 1-based number and the ids sent). */
type Answer = (ids: string[], call: number) => VendorRecordResult[] | { throw: string };
const ok = (ids: string[]): VendorRecordResult[] => ids.map((id) => ({ ok: true, recordId: `crm-${id}` }));

function fakeVendor(answer: Answer = ok, options: DestinationKitOptions & { lookup?: (values: readonly string[]) => Map<string, string> | { throw: string }; describe?: () => string | undefined } = {}) {
  const sent: string[][] = [];
  const lookups: string[][] = [];
  const log: Array<{ level: string; msg?: string }> = [];
  let scheduled = 0;
  let describes = 0;
  let usage: UsageReading | undefined;
  const session: DestinationSession = {
    describe: async () => {
      describes++;
      const failure = options.describe?.();
      if (failure) throw { code: failure };
      return { objects: [] };
    },
    send: async (batch) => {
      const ids = batch.operations.map((op) => op.id);
      sent.push(ids);
      usage = { used: sent.length, limit: 100, at: new Date(0) };
      const result = answer(ids, sent.length);
      if ('throw' in result) throw { code: result.throw };
      return result;
    },
    lookup: async (_object, _field, values) => {
      lookups.push([...values]);
      const result = options.lookup ? options.lookup(values) : new Map(values.map((v) => [v, `crm-${v}`]));
      if ('throw' in result) throw { code: result.throw };
      return result as Map<string, string>;
    },
    usage: () => usage,
    readUsage: async () => ({ used: 42, limit: 100, at: new Date(1) }),
    close: async () => undefined,
  };
  const logger = { debug: () => undefined, info: () => undefined, warn: (_o: object, msg?: string) => { log.push({ level: 'warn', msg }); }, error: (_o: object, msg?: string) => { log.push({ level: 'error', msg }); } };
  const client = createDestinationClient(definition, { tag: 't' }, session, { name: 'fake', logger }, {
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
    schedule: (call) => { scheduled++; return call(); },
    ...options,
  });
  return { client, sent, lookups, log, get scheduled() { return scheduled; }, get describes() { return describes; } };
}

const upsert = (...ids: string[]): WriteBatch => ({ object: 'Post', operation: 'upsert', matchKey: 'Key', operations: ids.map((id) => ({ id, fields: { Key: `k-${id}` } })) });
const create = (...ids: string[]): WriteBatch => ({ object: 'Post', operation: 'create', operations: ids.map((id) => ({ id, fields: { Name: id } })) });
const statuses = (results: Map<string, WriteResult>) => Object.fromEntries([...results].map(([id, r]) => [id, r.status === 'permanent' ? `permanent/${r.scope}` : r.status]));

describe('the destination kit: results keyed by operation id', () => {
  it('answers one result per operation id, with the record id the CRM gave', async () => {
    const vendor = fakeVendor();
    const results = await vendor.client.write(upsert('a', 'b'));
    expect(results).toEqual(new Map([['a', { status: 'done', recordId: 'crm-a' }], ['b', { status: 'done', recordId: 'crm-b' }]]));
    expect(vendor.sent).toEqual([['a', 'b']]);
  });

  it('writes an id given twice once, and says so in the log', async () => {
    const vendor = fakeVendor();
    const results = await vendor.client.write({ ...upsert('a', 'b'), operations: [...upsert('a', 'b').operations, upsert('a').operations[0]!] });
    expect(vendor.sent).toEqual([['a', 'b']]);
    expect(statuses(results)).toEqual({ a: 'done', b: 'done' });
    expect(vendor.log).toEqual([{ level: 'error', msg: 'an operation id appears twice in one batch; the second is not written' }]);
  });

  it('refuses before sending what cannot succeed: an oversized batch, an incomplete operation, one the connector prechecks out', async () => {
    const vendor = fakeVendor();
    const big = await vendor.client.write(upsert(...'abcdefghi'.split('')));
    expect(new Set(Object.values(statuses(big)))).toEqual(new Set(['permanent/bug']));
    const update: WriteBatch = { object: 'Post', operation: 'update', operations: [{ id: 'x', fields: {} }, { id: 'y', recordId: 'bad-1', fields: {} }, { id: 'z', recordId: 'r1', fields: {} }] };
    const results = await vendor.client.write(update);
    expect(statuses(results)).toEqual({ x: 'permanent/bug', y: 'permanent/record', z: 'done' });
    expect(results.get('y')).toMatchObject({ error: { code: 'MALFORMED_ID' } });
    expect(vendor.sent).toEqual([['z']]);
  });

  it('answers every operation when the CRM answers a different number of results: none is trusted, each may be written', async () => {
    const vendor = fakeVendor((ids) => ok(ids).slice(1));
    const results = await vendor.client.write(upsert('a', 'b', 'c'));
    for (const id of ['a', 'b', 'c']) expect(results.get(id)).toMatchObject({ status: 'retryable', outcomeUnknown: true, error: { code: 'RESULT_COUNT_MISMATCH' } });
    expect(vendor.sent).toHaveLength(1);
  });
});

describe('the destination kit: retries inside a call', () => {
  it('tries the records that hit a transient error again, and only those', async () => {
    const vendor = fakeVendor((ids, call) => ids.map((id) => (call === 1 && id === 'b' ? { ok: false, error: { code: 'LOCKED' } } : { ok: true, recordId: `crm-${id}` })));
    const results = await vendor.client.write(upsert('a', 'b', 'c'));
    expect(statuses(results)).toEqual({ a: 'done', b: 'done', c: 'done' });
    expect(vendor.sent).toEqual([['a', 'b', 'c'], ['b']]);
  });

  it('tries a whole call again when it failed for a transient reason, and gives the outbox what still fails after the last try', async () => {
    const vendor = fakeVendor(() => ({ throw: 'DOWN' }));
    const results = await vendor.client.write(upsert('a', 'b'));
    expect(vendor.sent).toHaveLength(3);
    expect(results.get('a')).toMatchObject({ status: 'retryable', error: { code: 'DOWN' } });
  });

  it('does not repeat a create whose call was cut off: it may have been carried out, so it is looked up first', async () => {
    const vendor = fakeVendor(() => ({ throw: 'CUT' }));
    const results = await vendor.client.write(create('a', 'b'));
    expect(vendor.sent).toHaveLength(1);
    expect(results.get('a')).toEqual({ status: 'retryable', outcomeUnknown: true, error: { code: 'CUT', message: 'fake says CUT' } });
  });

  it('repeats an upsert whose call was cut off: writing it twice changes nothing', async () => {
    const vendor = fakeVendor((ids, call) => (call === 1 ? { throw: 'CUT' } : ok(ids)));
    expect(statuses(await vendor.client.write(upsert('a')))).toEqual({ a: 'done' });
    expect(vendor.sent).toHaveLength(2);
  });

  it('does not retry what is permanent, and says which scope must change', async () => {
    const vendor = fakeVendor(() => ({ throw: 'DENIED' }));
    const results = await vendor.client.write(upsert('a', 'b'));
    expect(vendor.sent).toHaveLength(1);
    expect(statuses(results)).toEqual({ a: 'permanent/config', b: 'permanent/config' });
  });
});

describe('the destination kit: a record that fails the whole call', () => {
  it('halves the batch until the bad record is found; the others are written', async () => {
    // The CRM refuses any call holding record "e" (one bad value fails deserialising the body).
    const vendor = fakeVendor((ids) => (ids.includes('e') ? { throw: 'BAD_VALUE' } : ok(ids)));
    const results = await vendor.client.write(upsert('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'));
    expect(statuses(results)).toEqual({ a: 'done', b: 'done', c: 'done', d: 'done', e: 'permanent/record', f: 'done', g: 'done', h: 'done' });
    // One call, then 2·log₂(8) = 6 more at most.
    expect(vendor.sent.length).toBeLessThanOrEqual(7);
  });

  it('calls it the mapping\'s fault when both halves fail the same way: every record is refused for its config', async () => {
    const vendor = fakeVendor(() => ({ throw: 'BAD_FIELD' }));
    const results = await vendor.client.write(upsert('a', 'b', 'c', 'd'));
    expect(statuses(results)).toEqual({ a: 'permanent/config', b: 'permanent/config', c: 'permanent/config', d: 'permanent/config' });
    expect(vendor.sent).toEqual([['a', 'b', 'c', 'd'], ['a', 'b'], ['c', 'd']]);
  });
});

describe('the destination kit: limits and signals', () => {
  it('signals a call refused for quota once, with its wait, and answers every operation rate-limited', async () => {
    const waits: number[] = [];
    const vendor = fakeVendor(() => ({ throw: 'QUOTA' }), { onRateLimited: (ms) => waits.push(ms) });
    const results = await vendor.client.write(upsert('a', 'b'));
    expect(waits).toEqual([60_000]);
    expect(results.get('b')).toMatchObject({ status: 'rate-limited', retryAfterMs: 60_000 });
    expect(vendor.sent).toHaveLength(1);
  });

  it('puts every CRM call through the destination\'s limiter: each call of a split or a retry, look-ups, the catalog, usage reads', async () => {
    const vendor = fakeVendor((ids) => (ids.includes('b') ? { throw: 'BAD_VALUE' } : ok(ids)));
    await vendor.client.write(upsert('a', 'b'));
    expect(vendor.scheduled).toBe(vendor.sent.length);
    const before = vendor.scheduled;
    await vendor.client.lookupMany!('Post', 'Key', ['1', '2', '3', '4', '5', '6', '7']);
    await vendor.client.catalog();
    await vendor.client.refreshUsage!();
    expect(vendor.lookups).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7']]);
    expect(vendor.scheduled - before).toBe(3 + 1 + 1);
  });

  it('passes on every new usage reading, and the probe\'s too', async () => {
    const readings: UsageReading[] = [];
    const vendor = fakeVendor(ok, { onUsage: (reading) => readings.push(reading) });
    await vendor.client.write(upsert('a'));
    await vendor.client.write(upsert('b'));
    expect(readings.map((r) => r.used)).toEqual([1, 2]);
    await vendor.client.refreshUsage!();
    expect(readings.map((r) => r.used)).toEqual([1, 2, 42]);
    expect(vendor.client.usage()).toMatchObject({ used: 42 });
  });

  it('looks up many values in calls of at most maxLookupValues, each value once, and retries a transient failure', async () => {
    let failures = 1;
    const vendor = fakeVendor(ok, { lookup: (values) => (failures-- > 0 ? { throw: 'DOWN' } : new Map(values.filter((v) => v !== 'absent').map((v) => [v, `id-${v}`]))) });
    const found = await vendor.client.lookupMany!('Post', 'Key', ['x', 'y', 'x', 'absent']);
    expect(found).toEqual(new Map([['x', 'id-x'], ['y', 'id-y']]));
    expect(vendor.lookups).toEqual([['x', 'y', 'absent'], ['x', 'y', 'absent']]);
    expect(await vendor.client.lookup!('Post', 'Key', 'absent')).toBeUndefined();
  });

  it('rejects a look-up the CRM refuses for good, and signals a quota refusal', async () => {
    const waits: number[] = [];
    const denied = fakeVendor(ok, { lookup: () => ({ throw: 'DENIED' }) });
    await expect(denied.client.lookupMany!('Post', 'Key', ['x'])).rejects.toMatchObject({ code: 'DENIED' });
    expect(denied.lookups).toHaveLength(1);
    const quota = fakeVendor(ok, { lookup: () => ({ throw: 'QUOTA' }), onRateLimited: (ms) => waits.push(ms) });
    await expect(quota.client.lookupMany!('Post', 'Key', ['x'])).rejects.toMatchObject({ code: 'QUOTA' });
    expect(waits).toEqual([60_000]);
  });
});

describe('the destination kit: priority on the limiter', () => {
  it('schedules a write\'s calls with the priority it is given (live by default)', async () => {
    const priorities: Array<string | undefined> = [];
    const vendor = fakeVendor(ok, { schedule: (call, options) => { priorities.push(options?.priority); return call(); } });
    await vendor.client.write(upsert('a'), { priority: 'resync' });
    await vendor.client.write(upsert('b'));
    expect(priorities).toEqual(['resync', undefined]);
  });
});

describe('the destination kit: the catalog', () => {
  it('asks again after a transient failure (one 503 among a connect\'s describes), not after a refusal for good', async () => {
    const flaky = ['DOWN'];
    const vendor = fakeVendor(ok, { describe: () => flaky.shift() });
    expect(await vendor.client.catalog()).toEqual({ objects: [] });
    expect(vendor.describes).toBe(2);
    expect(vendor.scheduled).toBe(2);
    const denied = fakeVendor(ok, { describe: () => 'DENIED' });
    await expect(denied.client.catalog()).rejects.toMatchObject({ code: 'DENIED' });
    expect(denied.describes).toBe(1);
  });
});

describe('the destination kit: marking a write sent', () => {
  it('runs beforeSend once, inside the limiter, before the first call; not at all when nothing is sent', async () => {
    const order: string[] = [];
    const vendor = fakeVendor((ids, call) => { order.push(`send ${call}`); return call === 1 ? ids.map(() => ({ ok: false as const, error: { code: 'LOCKED' } })) : ok(ids); },
      { schedule: (call) => { order.push('limiter'); return call(); } });
    await vendor.client.write(upsert('a'), { beforeSend: async () => { order.push('marked'); } });
    expect(order).toEqual(['limiter', 'marked', 'send 1', 'limiter', 'send 2']);
    let marked = 0;
    await vendor.client.write({ object: 'Post', operation: 'update', operations: [{ id: 'x', recordId: 'bad-1', fields: {} }] }, { beforeSend: async () => { marked++; } });
    expect(marked).toBe(0);
  });

  it('sends nothing when marking fails, and rejects with the marking\'s error', async () => {
    const vendor = fakeVendor();
    await expect(vendor.client.write(upsert('a'), { beforeSend: async () => { throw new Error('database is locked'); } })).rejects.toThrow('database is locked');
    expect(vendor.sent).toEqual([]);
  });
});
