import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';

// Mappings are planned with their destination's catalog, never sometimes with it and sometimes
// without: the planner waits for the catalog, and keeps the last one each destination answered in
// the data folder, so a CRM down at a later start does not hold planning back.

const UNREACHABLE = 'http://127.0.0.1:9';
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

const start = async (dataDir: string | undefined, loginUrl?: string) => {
  const parley = await startParley({
    ...(dataDir ? { dataDir } : {}),
    extra: { mappingsDir: join(process.cwd(), 'mappings') },
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

describe('planning and the catalog', () => {
  it('waits for a destination that never answered; plans with the kept catalog once it has, even while it is down', async () => {
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
