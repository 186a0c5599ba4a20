import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { DestinationDefinition, WriteBatch, WriteResult } from '../connectors/destination.ts';
import type { BulkIngestSession, DestinationSession } from '../connectors/destination-session.ts';
import type { ActiveDestination } from '../connectors/destination-registry.ts';
import type { StoredResync } from '../store/resync-store.ts';
import type { Store, StoredOperation } from '../store/store.ts';
import { bulkClaimTiming, sendInBulk, type BulkLane } from './bulk-lane.ts';
import { createDispatcher } from './dispatcher.ts';
import type { PlannedWrite } from './plan-writes.ts';
import { CATALOG, SCHEDULE, T0, fakeStore, operation } from './testing/fakes.ts';

// The bulk lane: resyncs as bulk jobs beside the live loop, which never waits for a job. Through
// the real destination kit (limiter, write loop, bulk loop) against a fake CRM. No network.

/** A fake CRM with bulk jobs: each job's status read waits until the test lets the job finish. */
function fakeBulkCrm() {
  const sent: WriteBatch[] = [];
  const jobs: WriteBatch[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  let started!: () => void;
  const jobStarted = new Promise<void>((resolve) => { started = resolve; });
  const bulk: BulkIngestSession = {
    create: async (batch) => { jobs.push(batch); return `job-${jobs.length}`; },
    upload: async () => undefined,
    close: async () => { started(); },
    status: async () => { await finished; return { state: 'complete' }; },
    processed: async (_id, batch, which) => (which === 'failed' ? [] : batch.operations.map((op) => ({ operationId: op.id, result: { ok: true as const, recordId: `ID-${op.id}` } }))),
    unprocessed: async () => [],
    abort: async () => undefined,
  };
  const session: DestinationSession = {
    describe: async () => CATALOG,
    send: async (batch) => { sent.push(batch); return batch.operations.map((op) => ({ ok: true as const, recordId: `ID-${op.id}` })); },
    bulk,
    close: async () => undefined,
  };
  const definition = {
    id: 'fake-crm', displayName: 'Fake CRM', sdk: '*', configSchema: z.object({}),
    limits: { maxBatchSize: 2, maxConcurrent: 2, minTimeMs: 0, bulk: { minRecords: 3, maxRecords: 10, pollIntervalMs: 1, maxWaitMs: 3_600_000 } },
    classify: () => ({ kind: 'permanent', scope: 'record' }),
    describeError: (error: unknown) => ({ code: (error as { code: string }).code, message: (error as { message: string }).message }),
    connect: async () => session,
  } as unknown as DestinationDefinition<unknown>;
  const destination = { id: 'crm', definition, config: {}, budgetReserve: 0.1, limits: { maxConcurrent: 2, minTimeMs: 0 } } as unknown as ActiveDestination;
  return { destination, sent, jobs, finish, jobStarted };
}

const resync = (id: string) => operation(id, { resyncId: 'r1', orderingKey: `crm:x:${id}` });
const live = (id: string) => operation(id, { orderingKey: `crm:x:${id}` });
const recordedIds = (recorded: Array<Array<{ id: string }>>) => recorded.flat().map((o) => o.id);

describe('the bulk lane', () => {
  it('sends a big resync as one job while the live loop keeps sending fresh operations', async () => {
    const crm = fakeBulkCrm();
    const memory = fakeStore({ due: ['r1', 'r2', 'r3', 'r4', 'r5'].map(resync) });
    // The job is planned; its five operations are queued.
    const planned = { id: 'r1', state: 'running', destinations: ['crm'], planningDone: true, counts: { queued: 5 } };
    const store = { ...memory.store, releaseLeases: async () => 0, resyncs: { list: async () => ({ items: [planned], next: null }) } } as unknown as Store;
    const dispatcher = createDispatcher({
      store, destinations: [crm.destination], mappings: [], logger: pino({ level: 'silent' }), now: () => new Date(T0), random: () => 0.5, owner: 'parley-1', retry: SCHEDULE,
      pollMs: 1, lingerMs: 0,
    });
    await dispatcher.connectAll();
    dispatcher.start();
    try {
      await crm.jobStarted;
      // The job is running (its status read waits): fresh posts arrive and go out without it.
      memory.add(live('l1'), live('l2'), live('l3'));
      dispatcher.notify();
      await vi.waitFor(() => expect(recordedIds(memory.recorded)).toEqual(['l1', 'l2', 'l3']), { timeout: 10_000, interval: 5 });
      expect(crm.sent.map((b) => b.operations.map((o) => o.id).join(' '))).toEqual(['l1 l2', 'l3']);
      crm.finish();
      await vi.waitFor(() => expect(recordedIds(memory.recorded)).toHaveLength(8), { timeout: 10_000, interval: 5 });
    } finally {
      await dispatcher.stop();
    }
    expect(crm.jobs.map((b) => `${b.operation} ${b.operations.map((o) => o.id).join(' ')}`)).toEqual(['create r1 r2 r3 r4 r5']);
    expect(memory.recorded.flat().filter((o) => o.id.startsWith('r'))).toEqual(['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => ({ id, outcome: 'done', crmId: `ID-${id}` })));
    // The live loop claimed live operations only; the lane resync ones only, as many as a job holds, leased for a job's length.
    expect(memory.claims.filter((c) => c.only === 'resync').map((c) => [c.limit, c.leaseMs])).toContainEqual([10, 3_600_000 + 60_000]);
    expect(memory.claims.every((c) => c.only === 'live' || c.only === 'resync')).toBe(true);
    // The job's operations were marked sent when it was created.
    expect(memory.marked).toContainEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });
});

describe('sending in bulk', () => {
  const planned = (op: StoredOperation): PlannedWrite => ({ op, operation: op.operation as 'upsert', matchKey: 'ExternalPostId', write: { id: op.id, fields: {}, matchValue: op.id } });
  const done = (batch: WriteBatch) => new Map(batch.operations.map((o) => [o.id, { status: 'done', recordId: `ID-${o.id}` } as WriteResult]));

  it('sends groups of at least the threshold as jobs of at most maxRecords, smaller ones and deletes in batches', async () => {
    const jobs: string[] = [];
    const calls: string[] = [];
    const client = {
      write: async (batch: WriteBatch) => { calls.push(batch.operations.map((o) => o.id).join(' ')); return done(batch); },
      writeBulk: async (batch: WriteBatch) => { jobs.push(batch.operations.map((o) => o.id).join(' ')); return done(batch); },
    };
    const posts = ['a', 'b', 'c', 'd', 'e'].map((id) => planned(operation(id)));
    const personas = ['p', 'q'].map((id) => planned(operation(id, { object: 'SocialPersona' })));
    const deletes = ['x', 'y', 'z'].map((id) => ({ ...planned(operation(id, { operation: 'delete' })), operation: 'delete' as const }));
    const sent = await sendInBulk([...posts, ...personas, ...deletes], { client, threshold: 2, maxRecords: 3, maxBatchSize: 2, followers: new Map(), markSent: async () => undefined });
    expect(jobs).toEqual(['a b c', 'd e', 'p q']);
    expect(calls).toEqual(['x y', 'z']);
    expect(sent.map((s) => s.writes.map((w) => w.op.id).join(' '))).toEqual(['a b c', 'd e', 'p q', 'x y', 'z']);
  });

  it('answers a job the client rejected as that group\'s error', async () => {
    const client = { write: async (batch: WriteBatch) => done(batch), writeBulk: async () => { throw new Error('bug'); } };
    const sent = await sendInBulk(['a', 'b'].map((id) => planned(operation(id))), { client, threshold: 2, maxRecords: 10, maxBatchSize: 2, followers: new Map(), markSent: async () => undefined });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.error).toBeInstanceOf(Error);
  });
});

describe('when the bulk lane claims', () => {
  const lane: BulkLane = { limits: { minRecords: 3, maxRecords: 10 }, threshold: 3, leaseMs: 600 };
  const job = (extra: Partial<StoredResync>): StoredResync => ({
    id: 'r1', scope: { identity: 'x:1' }, destinations: ['crm'], mode: 'from-store', requestedBy: 'ops', state: 'running', createdAt: '', events: { done: 0 },
    planningDone: false, counts: { planned: 0, written: 0, failed: 0, skipped: 0, queued: 4 }, ...extra,
  });
  const queued = (n: number) => ({ counts: { planned: n, written: 0, failed: 0, skipped: 0, queued: n } });
  const storeWith = (...items: StoredResync[]) => ({ resyncs: { list: async () => ({ items, next: null }) } }) as unknown as Pick<Store, 'resyncs'>;
  const timing = (store: Pick<Store, 'resyncs'>, heldSince?: number, l = lane) => bulkClaimTiming(store, 'crm', l, { nowMs: 1_000, heldSince, settleMs: 500, roundLimit: 2, roundLeaseMs: 60 });
  const jobSized = { kind: 'claim', limit: 10, leaseMs: 600 };
  const roundSized = { kind: 'claim', limit: 2, leaseMs: 60 };

  it('holds back while a job for it is still planning and has less than a full job queued, for at most settleMs', async () => {
    expect(await timing(storeWith(job({})))).toEqual({ kind: 'wait', heldSince: 1_000 });
    expect(await timing(storeWith(job({})), 700)).toEqual({ kind: 'wait', heldSince: 700 });
    expect(await timing(storeWith(job({})), 500)).toEqual(jobSized);
  });

  it('claims a job\'s worth, leased for a job, once planning is over or a full job is queued', async () => {
    expect(await timing(storeWith(job({ planningDone: true })))).toEqual(jobSized);
    expect(await timing(storeWith(job(queued(10))))).toEqual(jobSized);
  });

  it('claims a round\'s worth when less than the threshold is queued (a cancel can still withdraw the rest), or no job could reach it', async () => {
    expect(await timing(storeWith(job({ planningDone: true, ...queued(2) })))).toEqual(roundSized);
    expect(await timing(storeWith(job({ destinations: ['other'] })))).toEqual(roundSized);
    expect(await timing(storeWith(job({})), undefined, { ...lane, threshold: 1_000_000 })).toEqual(roundSized);
    // A threshold a round can reach: a round may send a job, so it is leased for one.
    expect(await timing(storeWith(), undefined, { ...lane, threshold: 2 })).toEqual({ kind: 'claim', limit: 2, leaseMs: 600 });
  });
});
