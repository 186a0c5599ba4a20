import { describe, expect, it } from 'vitest';
import { errors } from '../errors.ts';
import type { StoredOperation } from '../store/store.ts';
import type { RoundBindings } from './bind-references.ts';
import type { RoundLookups } from './lookups.ts';
import { batchWrites, planWrites, planner, type PlannedWrite } from './plan-writes.ts';
import { CATALOG, SCHEDULE, T0, catalogObject, operation } from './testing/fakes.ts';

const outcomes = { now: new Date(T0), schedule: SCHEDULE, random: () => 0.5 };
const noLookups: RoundLookups = { available: false, lookup: async () => undefined };
const bindings = (links: Record<string, string> = {}, firsts: Record<string, string> = {}): RoundBindings => ({
  linkOf: (object, key) => (key === undefined ? undefined : links[`${object}/${key}`]),
  firstOf: (object, orderingKey) => firsts[`${object}/${orderingKey}`],
});
const plan = (ops: StoredOperation[], links: Record<string, string> = {}, lookups: RoundLookups = noLookups) =>
  planWrites(ops, { plan: planner(CATALOG, bindings(links)), bindings: bindings(links), lookups, outcomes });

describe('planning a round\'s writes', () => {
  it('writes an upsert by a field that is no External ID as a create, or as an update of the linked record', async () => {
    const { settled, writes } = await plan([operation('a'), operation('b')], { 'SocialPost/b': '0STb' });
    expect(settled).toEqual([]);
    expect(writes.map((w) => ({ id: w.op.id, operation: w.operation, write: w.write }))).toEqual([
      { id: 'a', operation: 'create', write: { id: 'a', fields: { Content: 'post a' }, matchValue: 'a' } },
      { id: 'b', operation: 'update', write: { id: 'b', fields: { Content: 'post b' }, recordId: '0STb', matchValue: 'b' } },
    ]);
  });

  it('upserts by an External ID field, naming it', async () => {
    const catalog = { objects: [catalogObject('SocialPost', ['ExternalPostId', 'Content'], 'ExternalPostId')] };
    const { writes } = await planWrites([operation('a')], { plan: planner(catalog, bindings()), bindings: bindings(), lookups: noLookups, outcomes });
    expect(writes[0]).toMatchObject({ operation: 'upsert', matchKey: 'ExternalPostId' });
  });

  it('settles a delete with nothing to delete as done', async () => {
    const { settled, writes } = await plan([operation('d', { operation: 'delete' })]);
    expect([settled, writes]).toEqual([[{ id: 'd', outcome: 'done', crmId: '' }], []]);
  });

  it('settles a create whose lost write did land as done, with the record the look-up found', async () => {
    const lookups: RoundLookups = { available: true, lookup: async (_o, _f, value) => (value === 'c' ? '0STc' : undefined) };
    const { settled } = await plan([operation('c', { operation: 'create', outcomeUnknown: true })], {}, lookups);
    expect(settled).toEqual([{ id: 'c', outcome: 'done', crmId: '0STc' }]);
  });

  it('retries an update of a record not in the CRM yet, spending an attempt', async () => {
    const { settled } = await plan([operation('u', { operation: 'update' })]);
    expect(settled).toMatchObject([{ id: 'u', outcome: 'retry', spendAttempt: true, error: { code: errors.OUTBOX_RECORD_NOT_FOUND.code, class: 'retryable' } }]);
  });

  it('holds a record whose parent must be its identity\'s first record for the schedule\'s longest step, spending no attempt', async () => {
    const persona = operation('p', { object: 'SocialPersona', references: [{ field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait' }] });
    const { settled, writes } = await plan([persona]);
    expect(writes).toEqual([]);
    expect(settled).toEqual([{
      id: 'p', outcome: 'retry', spendAttempt: false, nextAttemptAt: new Date(T0 + 300_000),
      error: { code: errors.OUTBOX_PARENT_MISSING.code, message: errors.OUTBOX_PARENT_MISSING({ object: 'SocialPost', field: 'ParentId' }).message, class: 'retryable' },
    }]);
  });

  it('carries the references a write goes without, to be bound once their record is written', async () => {
    const post = operation('a', { references: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:1', bind: 'later' }] });
    const { writes } = await plan([post]);
    expect(writes[0]!.unbound).toEqual([{ field: 'PersonaId', object: 'SocialPersona', key: 'x:1' }]);
  });
});

describe('batching writes', () => {
  const w = (id: string, object: string, kind: PlannedWrite['operation'], matchKey?: string): PlannedWrite =>
    ({ op: operation(id, { object }), operation: kind, ...(matchKey ? { matchKey } : {}), write: { id, fields: {} } });
  const shape = (batches: ReturnType<typeof batchWrites>) => batches.map((b) => `${b.batch.object} ${b.batch.operation}${b.batch.matchKey ? ` by ${b.batch.matchKey}` : ''}: ${b.batch.operations.map((o) => o.id).join(' ')}`);

  it('puts writes of one object, operation and match key together, groups in the order they first come', () => {
    const writes = [w('1', 'SocialPost', 'create'), w('2', 'SocialPersona', 'create'), w('3', 'SocialPost', 'update'), w('4', 'SocialPost', 'create'),
      w('5', 'SocialPost', 'upsert', 'ExternalPostId'), w('6', 'SocialPost', 'upsert', 'Other__c'), w('7', 'SocialPost', 'upsert', 'ExternalPostId')];
    expect(shape(batchWrites(writes, 200))).toEqual([
      'SocialPost create: 1 4', 'SocialPersona create: 2', 'SocialPost update: 3', 'SocialPost upsert by ExternalPostId: 5 7', 'SocialPost upsert by Other__c: 6',
    ]);
  });

  it('cuts a group into batches of at most maxBatchSize, keeping the order, each with its planned writes', () => {
    const writes = ['1', '2', '3', '4', '5', '6', '7'].map((id) => w(id, 'SocialPost', 'create'));
    const batches = batchWrites(writes, 3);
    expect(shape(batches)).toEqual(['SocialPost create: 1 2 3', 'SocialPost create: 4 5 6', 'SocialPost create: 7']);
    expect(batches[1]!.writes.map((x) => x.op.id)).toEqual(['4', '5', '6']);
  });

  it('makes no batch of nothing', () => {
    expect(batchWrites([], 3)).toEqual([]);
  });
});
