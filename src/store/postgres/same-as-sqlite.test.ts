import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../sqlite/sqlite-store.ts';
import type { NewOperation, OperationOutcome, Store } from '../store.ts';
import { PostgresStore } from './postgres-store.ts';
import { TEST_DATABASE_URL, testDatabaseAnswers } from './test-database.ts';

// A differential check: one dispatcher story (bind-later references, links learnt on the way,
// parent waits woken, a delete unlinking, dead letters and their replay) played on the SQLite store
// and on this one must leave the same outbox. It covers what the contract suite does not spell out.

const URL = TEST_DATABASE_URL;
const schema = `parley_test_${randomBytes(6).toString('hex')}`;

const available = await testDatabaseAnswers(URL);

afterAll(async () => {
  if (!available) return;
  const client = new pg.Client(URL);
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const at = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);
const op = (id: string, object: string, recordKey: string, identity: string, extra: Partial<NewOperation> = {}): NewOperation => ({
  id, eventId: 'e1', mappingId: 'm', destination: 'salesforce', object, operation: 'upsert', recordKey, orderingKey: `sf:${identity}`,
  fields: { Name: id }, references: [], ...extra,
});
const later = (key: string) => [{ field: 'PersonaId', object: 'SocialPersona', key, bind: 'later' as const }];
const parentMissing = { code: 'PARLEY_OUTBOX_PARENT_MISSING', message: 'no parent yet', class: 'retryable' };

/** Plays the story on `store`; returns everything it can show of the outcome. */
async function story(store: Store): Promise<unknown[]> {
  const seen: unknown[] = [];
  const claim = async (ms: number) => {
    const ids = (await store.claimOperations('salesforce', { owner: 'a', now: at(ms), leaseMs: 60_000, limit: 20 })).map((o) => o.id);
    seen.push(ids);
    return ids;
  };
  const record = async (outcomes: OperationOutcome[], ms: number) => seen.push(await store.recordOutcomes(outcomes, { owner: 'a', now: at(ms) }));
  await store.appendDeliveries([{ id: 'd1', source: 'x', receivedAt: at(0), contentType: 'application/json', body: Buffer.from('{}') }]);
  const [d1] = await store.readPendingDeliveries(1);
  await store.commitDerived([{ delivery: d1!, outcome: { type: 'events', events: ['e1', 'e2'].map((id) => ({ id, kind: 'interaction' as const, key: id, data: { kind: 'interaction' } as never })) } }], { dedupSince: at(-1) });
  await store.commitPlan([{ eventId: 'e1', problems: [], operations: [
    op('post1', 'SocialPost', 't1', 'x:1', { references: later('x:1') }), op('per1', 'SocialPersona', 'x:1', 'x:1'),
    op('post2', 'SocialPost', 't2', 'x:2', { references: later('x:2') }),
    op('post3', 'SocialPost', 't3', 'x:3'), op('per3', 'SocialPersona', 'x:3', 'x:3'),
    op('bad', 'SocialPost', 't4', 'x:4'), op('mk6', 'SocialPost', 't6', 'x:6', { operation: 'create' }),
    op('post7', 'SocialPost', 't7', 'x:7'), op('per7', 'SocialPersona', 'x:7', 'x:7'),
  ] }], { now: at(0) });
  await claim(1);
  await record([
    { id: 'post3', outcome: 'retry', nextAttemptAt: at(1_000), error: parentMissing, spendAttempt: false },
    { id: 'post1', outcome: 'done', crmId: 'T1', unbound: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:1' }] },
    { id: 'per1', outcome: 'done', crmId: 'P1' },
    { id: 'post2', outcome: 'done', crmId: 'T2', unbound: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:2' }], links: [{ object: 'SocialPersona', key: 'x:2', crmId: 'P2' }] },
    { id: 'per3', outcome: 'done', crmId: 'P3' },
    // Its identity's first record is done before this retry is recorded: not woken.
    { id: 'per7', outcome: 'done', crmId: 'P7' },
    { id: 'post7', outcome: 'retry', nextAttemptAt: at(2_000), error: parentMissing, spendAttempt: true },
    { id: 'bad', outcome: 'dead', error: { code: 'INVALID_FIELD', message: 'Name is bad', class: 'permanent' } },
    { id: 'mk6', outcome: 'done', crmId: 'T6' },
    { id: 'post1', outcome: 'done', crmId: 'T1-again' },
    { id: 'nope', outcome: 'done', crmId: 'N' },
  ], 10);
  // Erased at the source once written: the delete unlinks it.
  await store.commitPlan([{ eventId: 'e2', problems: [], operations: [op('gone', 'SocialPost', 't6', 'x:6', { operation: 'delete', eventId: 'e2' })] }], { now: at(15) });
  await claim(20);
  await record([
    { id: 'gone', outcome: 'done', crmId: 'T6' },
    { id: 'post3', outcome: 'retry', nextAttemptAt: at(3_000), error: { code: 'X', class: 'retryable' }, spendAttempt: true, outcomeUnknown: true },
    { id: 'post1:PersonaId', outcome: 'dead', error: { code: 'NOPE', class: 'permanent' } },
    { id: 'post2:PersonaId', outcome: 'done', crmId: 'T2' },
  ], 30);
  const letters = (await store.listDeadLetters({ limit: 50 })).items;
  seen.push(await store.replayDeadLetters(letters.map((l) => l.id), { now: at(40) }));
  await claim(50);
  await record([{ id: 'bad', outcome: 'dead', error: { code: 'INVALID_FIELD', message: 'still bad', class: 'permanent' } }], 60);
  seen.push((await store.listOperations({ limit: 50 })).items);
  seen.push((await store.listDeadLetters({ limit: 50 })).items);
  seen.push(await store.countOperations());
  seen.push(await store.readLinks('salesforce', ['x:1', 'x:2', 'x:3', 'x:7', 't1', 't2', 't3', 't6', 't7'].map((key) => ({ object: key.startsWith('x') ? 'SocialPersona' : 'SocialPost', key }))));
  seen.push(await store.readFirstRecords('salesforce', [{ object: 'SocialPersona', orderingKey: 'sf:x:3' }, { object: 'SocialPost', orderingKey: 'sf:x:6' }]));
  for (const id of ['post1', 'post3', 'post7', 'bad', 'gone', 'post1:PersonaId']) seen.push(await store.listAttempts(id));
  return seen;
}

describe.skipIf(!available && process.env.CI !== 'true')('the PostgreSQL store does what the SQLite store does', () => {
  it('leaves the same outbox after the same dispatcher story', async () => {
    const sqlite = new SqliteStore({ file: join(mkdtempSync(join(tmpdir(), 'parley-same-')), 'parley.db'), synchronous: 'normal' });
    const postgres = new PostgresStore({ url: URL, schema });
    try {
      await sqlite.migrate();
      await postgres.migrate();
      const expected = await story(sqlite);
      // The story is not vacuous: it bound both later references, woke one parent wait and not the other, and unlinked.
      expect(JSON.stringify(expected)).toContain('post2:PersonaId');
      expect(JSON.stringify(expected)).toContain('"gone"');
      expect(await story(postgres)).toEqual(expected);
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });
});
