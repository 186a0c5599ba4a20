import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { salesforceMappingsFor } from './helpers/mapping-copies.ts';
import { listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { until } from './helpers/wait.ts';

// Mappings are planned with their destination's catalog, never sometimes with it and sometimes
// without: the planner defers a destination's part of each event until its catalog arrives, and keeps the last one each destination answered in
// the data folder, so a CRM down at a later start does not hold planning back.

const UNREACHABLE = 'http://127.0.0.1:9';
/** Short outbox waits (no linger after a partial round, retries within a second): the writes waited for below go at once. */
const OUTBOX = { lingerMs: 20, retryStepsMs: [200, 400] };

/**
 * The services a test has running, stopped (data folder and all) when it ends. The two cases below
 * run at once, each with services and data folders of its own (most of their time is start-ups and
 * stops, waiting on the other's), so each keeps its own list.
 */
function runningList(onTestFinished: TestContext['onTestFinished']): TestParley[] {
  const running: TestParley[] = [];
  onTestFinished(async () => { for (const p of running.splice(0)) await p.stop(); });
  return running;
}

const start = async (dataDir: string | undefined, loginUrl?: string) => {
  const parley = await startParley({
    ...(dataDir ? { dataDir } : {}),
    extra: { mappingsDir: join(process.cwd(), 'mappings'), outbox: OUTBOX },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', ...(loginUrl ? { loginUrl } : {}) } },
    sandboxes: { salesforce: {} },
  });
  return parley;
};
const tweet = async (parley: TestParley, i: number) => {
  const body = tweetDelivery(i, '77');
  expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
  await parley.parley.deriver.catchUp(5_000);
};
const operationsOf = async (parley: TestParley) => listAll(parley.base, '/v1/operations', parley.adminKey);

describe.concurrent('planning and the catalog', () => {
  it('waits for a destination that never answered; plans with the kept catalog once it has, even while it is down', async ({ onTestFinished }) => {
    const running = runningList(onTestFinished);
    // 1. A CRM never reached since this data folder was made: the event is kept, nothing is planned.
    const first = await start(undefined, UNREACHABLE);
    await tweet(first, 1);
    expect(await first.parley.planner!.catchUp(500)).toBe(false);
    expect(await operationsOf(first)).toEqual([]);
    const dataDir = first.dataDir;
    await first.stop({ keepData: true });
    running.length = 0;

    // 2. The CRM answers: its catalog is kept, and the waiting event is planned.
    const second = await start(dataDir);
    running.push(second);
    expect(await second.parley.planner!.catchUp(5_000)).toBe(true);
    const planned = await operationsOf(second);
    expect(planned.some((o) => o.mappingId === 'sf-x-post' && o.matchValue === '1700000000000000001')).toBe(true);
    expect(existsSync(join(dataDir, 'catalogs', 'salesforce.json'))).toBe(true);
    await second.stop({ keepData: true });
    running.length = 0;

    // 3. Down again at the next start: planning goes on with the kept catalog.
    const third = await start(dataDir, UNREACHABLE);
    running.push(third);
    await tweet(third, 2);
    expect(await third.parley.planner!.catchUp(5_000)).toBe(true);
    expect((await operationsOf(third)).some((o) => o.mappingId === 'sf-x-post' && o.matchValue === '1700000000000000002')).toBe(true);
  });
});

describe.concurrent('a destination never reached, beside one that is', () => {
  it('does not hold back the other: its part of each event waits, and is planned in order once it connects', async ({ onTestFinished }) => {
    const running = runningList(onTestFinished);
    const mappingsDir = mkdtempSync(join(tmpdir(), 'parley-two-crms-mappings-'));
    salesforceMappingsFor(process.cwd(), mappingsDir, ['crm2']);
    const credentials = { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' };
    const startWith = (crm2: Record<string, unknown>, dataDir?: string) => startParley({
      ...(dataDir ? { dataDir } : {}), extra: { mappingsDir, outbox: OUTBOX }, sandboxes: { salesforce: {} },
      destinations: { salesforce: credentials, crm2: { ...credentials, ...crm2 } },
    });
    const posts = async (parley: TestParley) => ((await (await fetch(`${parley.base}/sandbox/salesforce/_stats`)).json()) as { records: Record<string, number> }).records.SocialPost ?? 0;
    try {
      const first = await startWith({ loginUrl: UNREACHABLE });
      running.push(first);
      for (const i of [1, 2]) await tweet(first, i);
      // The reachable CRM gets both posts; crm2's operations are not even planned.
      await until('both posts in the reachable CRM', async () => ((await posts(first)) === 2 ? true : undefined), 15_000);
      expect((await operationsOf(first)).filter((o) => o.destination === 'crm2')).toEqual([]);
      expect(await first.parley.planner!.catchUp(500)).toBe(false);
      const dataDir = first.dataDir;
      await first.stop({ keepData: true });
      running.length = 0;

      // crm2 answers (the same mounted sandbox here): its deferred part is planned, in event order, and written.
      const second = await startWith({}, dataDir);
      running.push(second);
      await until('crm2 planned', async () => ((await second.parley.planner!.catchUp(2_000)) ? true : undefined), 15_000);
      const crm2 = (await operationsOf(second)).filter((o) => o.destination === 'crm2' && o.mappingId.endsWith('x-post'));
      expect(crm2.map((o) => o.matchValue).sort()).toEqual(['1700000000000000001', '1700000000000000002']);
      await until('crm2 written', async () => ((await operationsOf(second)).filter((o) => o.destination === 'crm2').every((o) => o.state === 'done') ? true : undefined), 15_000);
    } finally {
      rmSync(mappingsDir, { recursive: true, force: true });
    }
  });
});
