import { describe, expect, it } from 'vitest';
import type { WriteBatch, WriteResult } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import type { PlannedBatch } from './plan-writes.ts';
import { rateLimitedUntil, sendBatches, unreachableCut } from './send-batches.ts';
import { T0, allDone, fakeClient, operation } from './testing/fakes.ts';

const batchOf = (...ids: string[]): PlannedBatch => ({
  batch: { object: 'SocialPost', operation: 'create', operations: ids.map((id) => ({ id, fields: {} })) },
  writes: ids.map((id) => ({ op: operation(id), operation: 'create', write: { id, fields: {} } })),
});
const unreachable = { code: errors.DESTINATION_UNREACHABLE.code, message: 'connect ECONNREFUSED 127.0.0.1:9' };

/** A promise the test settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('sending a round\'s batches', () => {
  it('answers in the batches\' order, whatever order the calls end in', async () => {
    const answers = new Map([['a', deferred<void>()], ['c', deferred<void>()]]);
    const ended: string[] = [];
    const { client } = fakeClient({
      answer: async (batch) => {
        const first = batch.operations[0]!.id;
        await answers.get(first)!.promise;
        ended.push(first);
        return allDone(batch);
      },
    });
    const sending = sendBatches([batchOf('a', 'b'), batchOf('c')], { client, followers: new Map(), markSent: async () => undefined });
    answers.get('c')!.resolve();
    // The second call has ended before the first is answered (a bounded wait on the condition, no timer).
    for (let turns = 0; !ended.includes('c') && turns < 100; turns++) await Promise.resolve();
    expect(ended).toEqual(['c']);
    answers.get('a')!.resolve();
    const sent = await sending;
    expect(sent.map((s) => [...s.results!.keys()])).toEqual([['a', 'b'], ['c']]);
    expect(sent[0]!.writes.map((w) => w.op.id)).toEqual(['a', 'b']);
  });

  it('marks each batch\'s operations and their followers sent before its call is answered', async () => {
    const events: string[] = [];
    const { client } = fakeClient({ answer: (batch) => { events.push(`answered ${batch.operations.map((o) => o.id).join(' ')}`); return allDone(batch); } });
    await sendBatches([batchOf('a', 'b')], {
      client, followers: new Map([['a', ['a2', 'a3']]]),
      markSent: async (ids) => { events.push(`marked ${ids.join(' ')}`); },
    });
    expect(events).toEqual(['marked a a2 a3 b', 'answered a b']);
  });

  it('tells each batch\'s size as it is sent', async () => {
    const sizes: number[] = [];
    await sendBatches([batchOf('a', 'b', 'c'), batchOf('d')], { client: fakeClient().client, followers: new Map(), markSent: async () => undefined, onBatch: (n) => sizes.push(n) });
    expect(sizes).toEqual([3, 1]);
  });

  it('keeps what a connector rejected a whole batch with, and still answers the others', async () => {
    const broken = new Error('connector bug');
    const { client } = fakeClient({ answer: (batch: WriteBatch) => { if (batch.operations[0]!.id === 'a') throw broken; return allDone(batch); } });
    const sent = await sendBatches([batchOf('a'), batchOf('b')], { client, followers: new Map(), markSent: async () => undefined });
    expect(sent[0]).toMatchObject({ error: broken });
    expect(sent[0]!.results).toBeUndefined();
    expect(sent[1]!.results!.get('b')).toEqual({ status: 'done', recordId: 'ID-b' });
  });
});

describe('what a call\'s results say of the destination', () => {
  const results = (...list: WriteResult[]) => new Map(list.map((r, i) => [`op${i}`, r]));

  it('a call the network cut off for every record: unreachable', () => {
    expect(unreachableCut(results({ status: 'retryable', error: unreachable }, { status: 'retryable', error: unreachable }))).toEqual(unreachable);
  });

  it('any record answered otherwise, or no results: not cut off', () => {
    expect(unreachableCut(results({ status: 'retryable', error: unreachable }, { status: 'done', recordId: 'X' }))).toBeUndefined();
    expect(unreachableCut(results({ status: 'retryable', error: { code: 'HTTP_503', message: 'unavailable' } }))).toBeUndefined();
    expect(unreachableCut(results({ status: 'permanent', scope: 'record', error: unreachable }))).toBeUndefined();
    expect(unreachableCut(new Map())).toBeUndefined();
  });

  it('rate-limited records: a pause until the longest wait announced', () => {
    const quota = { code: 'REQUEST_LIMIT_EXCEEDED', message: 'quota' };
    expect(rateLimitedUntil(results({ status: 'rate-limited', error: quota, retryAfterMs: 5_000 }, { status: 'done', recordId: 'X' }, { status: 'rate-limited', error: quota, retryAfterMs: 60_000 }), T0))
      .toBe(T0 + 60_000);
    expect(rateLimitedUntil(results({ status: 'done', recordId: 'X' }), T0)).toBeUndefined();
  });
});

describe('sending for a resync or an erasure', () => {
  it('asks the limiter for resync priority only when every write of the batch is a resync\'s', async () => {
    const priorities: Array<string | undefined> = [];
    const client = { write: async (batch: WriteBatch, hooks?: { priority?: string }) => { priorities.push(hooks?.priority); return allDone(batch); } };
    const resynced = batchOf('r1', 'r2');
    for (const w of resynced.writes) w.op.resyncId = 'job-1';
    const mixed = batchOf('r3', 'live');
    mixed.writes[0]!.op.resyncId = 'job-1';
    await sendBatches([resynced, mixed], { client, followers: new Map(), markSent: async () => undefined });
    expect(priorities).toEqual(['resync', 'live']);
  });

  it('purges an erasure\'s deletes where the client can, a record already gone counting as done', async () => {
    const purged: string[][] = [];
    const marked: string[] = [];
    const client = {
      write: async () => { throw new Error('a purge must not go through write'); },
      purge: async (_object: string, ids: readonly string[], hooks?: { beforeSend?: () => Promise<void> }) => {
        await hooks?.beforeSend?.();
        purged.push([...ids]);
        return new Map<string, WriteResult>([
          ['crm-1', { status: 'done', recordId: 'crm-1' }],
          ['crm-2', { status: 'permanent', scope: 'record', error: { code: 'ENTITY_IS_DELETED', message: 'entity is deleted' } }],
        ]);
      },
    };
    const deletes: PlannedBatch = {
      batch: { object: 'SocialPost', operation: 'delete', operations: [{ id: 'd1', fields: {}, recordId: 'crm-1' }, { id: 'd2', fields: {}, recordId: 'crm-2' }] },
      writes: ['d1', 'd2'].map((id) => ({ op: { ...operation(id), operation: 'delete' as const, erasureId: 'er-1' }, operation: 'delete' as const, write: { id, fields: {} } })),
    };
    const [sent] = await sendBatches([deletes], { client, followers: new Map(), markSent: async (ids) => { marked.push(...ids); } });
    expect(purged).toEqual([['crm-1', 'crm-2']]);
    expect(marked).toEqual(['d1', 'd2']);
    expect(Object.fromEntries([...sent!.results!].map(([id, r]) => [id, r.status]))).toEqual({ d1: 'done', d2: 'done' });
  });
});
