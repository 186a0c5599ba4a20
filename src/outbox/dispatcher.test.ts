import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DestinationDefinition, WriteBatch } from '../connectors/destination.ts';
import type { DestinationSession, VendorRecordResult } from '../connectors/destination-session.ts';
import type { ActiveDestination } from '../connectors/destination-registry.ts';
import { errors } from '../errors.ts';
import type { Store, StoredOperation } from '../store/store.ts';
import { createDispatcher } from './dispatcher.ts';
import { CATALOG, SCHEDULE, T0, fakeStore, operation } from './testing/fakes.ts';

// The dispatcher's wiring, one round at a time, against a fake CRM connector (through the real
// destination kit: limiter, write loop) and a store kept in memory. No network.

/** A fake CRM: `send` answers each record by `answer`, after `gate` (per batch's first id) lets it. */
function fakeCrm(options: { answer?: (op: WriteBatch['operations'][number]) => VendorRecordResult; gate?: (batch: WriteBatch) => Promise<void> } = {}) {
  const sent: WriteBatch[] = [];
  const session: DestinationSession = {
    describe: async () => CATALOG,
    send: async (batch) => {
      sent.push(batch);
      await options.gate?.(batch);
      return batch.operations.map((op) => options.answer?.(op) ?? { ok: true, recordId: `ID-${op.id}` });
    },
    close: async () => undefined,
  };
  const definition = {
    id: 'fake-crm', displayName: 'Fake CRM', sdk: '*', configSchema: z.object({}), limits: { maxBatchSize: 2, maxConcurrent: 2, minTimeMs: 0 },
    classify: () => ({ kind: 'permanent', scope: 'record' }),
    describeError: (error: unknown) => ({ code: (error as { code: string }).code, message: (error as { message: string }).message }),
    connect: async () => session,
  } as unknown as DestinationDefinition<unknown>;
  const destination = { id: 'crm', definition, config: {}, budgetReserve: 0.1, limits: { maxConcurrent: 2, minTimeMs: 0 } } as unknown as ActiveDestination;
  return { destination, sent };
}

function dispatcherFor(destination: ActiveDestination, due: StoredOperation[]) {
  const memory = fakeStore({ due });
  const store = { ...memory.store, releaseLeases: async () => 0 } as unknown as Store;
  const dispatcher = createDispatcher({
    store, destinations: [destination], mappings: [], logger: pino({ level: 'silent' }), now: () => new Date(T0), random: () => 0.5, owner: 'parley-1', retry: SCHEDULE,
  });
  return { dispatcher, ...memory };
}

/** A persona whose parent can only be its identity's first post, none written yet. */
const orphan = operation('w', { object: 'SocialPersona', references: [{ field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait' }] });

describe('a dispatcher round', () => {
  it('sends the due operations in batches of maxBatchSize and records every outcome, merged writes included', async () => {
    const crm = fakeCrm();
    const { dispatcher, recorded, marked } = dispatcherFor(crm.destination, [operation('a'), operation('b'), operation('a2', { recordKey: 'a', operation: 'update' }), operation('c')]);
    expect(await dispatcher.dispatchOnce('crm')).toBe(4);
    expect(crm.sent.map((b) => `${b.operation} ${b.operations.map((o) => o.id).join(' ')}`)).toEqual(['create a b', 'create c']);
    expect(marked.map((ids) => ids.join(' ')).sort()).toEqual(['a a2 b', 'c']);
    expect(recorded).toEqual([[
      { id: 'a', outcome: 'done', crmId: 'ID-a' }, { id: 'b', outcome: 'done', crmId: 'ID-b' }, { id: 'c', outcome: 'done', crmId: 'ID-c' }, { id: 'a2', outcome: 'done', crmId: 'ID-a' },
    ]]);
    expect(dispatcher.status()).toMatchObject([{ id: 'crm', state: 'ready' }]);
  });

  it('records in a fixed order — held back, then each batch in turn — whichever call ends first', async () => {
    let secondAnswered!: () => void;
    const second = new Promise<void>((resolve) => { secondAnswered = resolve; });
    const crm = fakeCrm({
      // The first batch is answered only once the second one has been.
      gate: async (batch) => { if (batch.operations[0]!.id === 'a') await second; else secondAnswered(); },
      answer: (op) => (op.id === 'b' ? { ok: false, error: { code: 'STRING_TOO_LONG', message: 'too long' } } : { ok: true, recordId: `ID-${op.id}` }),
    });
    const { dispatcher, recorded } = dispatcherFor(crm.destination, [operation('a'), operation('b'), orphan, operation('c')]);
    await dispatcher.dispatchOnce('crm');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.map((o) => `${o.id} ${o.outcome}`)).toEqual(['w retry', 'a done', 'b dead', 'c done']);
    expect(recorded[0]![0]).toMatchObject({ spendAttempt: false, error: { code: errors.OUTBOX_PARENT_MISSING.code } });
    expect(recorded[0]![2]).toMatchObject({ error: { code: 'STRING_TOO_LONG', class: 'permanent', scope: 'record' } });
  });

  it('with nothing due, records nothing and handles nothing', async () => {
    const crm = fakeCrm();
    const { dispatcher, recorded } = dispatcherFor(crm.destination, []);
    expect(await dispatcher.dispatchOnce('crm')).toBe(0);
    expect([recorded, crm.sent]).toEqual([[], []]);
  });
});
