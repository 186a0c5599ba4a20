import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, listAll, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { demoConnection } from './helpers/salesforce-sandbox.ts';
import { until } from './helpers/wait.ts';

// A mapping that fails on an event leaves a dead letter of stage mapping; once the mapping file is
// fixed and Parley restarted, replaying the letter runs the fixed mapping on the event, and the
// record lands in the Salesforce sandbox (kept in a file in the data folder, so it survives the restart).
const running: TestParley[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop();
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

async function start(mappingsDir: string, dataDir?: string) {
  const parley = await startParley({
    extra: { mappingsDir },
    ...(dataDir ? { dataDir } : {}),
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } } },
  });
  running.push(parley);
  return parley;
}

const send = async (parley: TestParley, body: string) => {
  expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
};
const replay = (parley: TestParley, id: string, headers: Record<string, string> = {}) =>
  api(parley.base, `/v1/dead-letters/${id}/replay`, parley.adminKey, { method: 'POST', headers });
const replayByFilter = (parley: TestParley, filter: Record<string, unknown>) =>
  api(parley.base, '/v1/dead-letters/replay', parley.adminKey, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(filter) });

describe('replaying a dead letter of stage mapping', () => {
  it('after the mapping is fixed and Parley restarted, runs the fixed mapping on the event: the post lands once, nothing else is planned twice', async () => {
    const mappingsDir = mkdtempSync(join(tmpdir(), 'parley-mappings-'));
    folders.push(mappingsDir);
    cpSync(join(process.cwd(), 'mappings'), mappingsDir, { recursive: true });
    const postMapping = join(mappingsDir, 'salesforce', 'sf-x-post.yaml');
    const fixed = readFileSync(postMapping, 'utf8');
    // Posted is a datetime: the tweet's direction ("inbound") does not fit it (found only on an event, not at start-up).
    writeFileSync(postMapping, fixed.replace('  Posted: occurredAt\n', '  Posted: direction\n'));

    const first = await start(mappingsDir);
    await send(first, tweetDelivery(600, '960'));
    await send(first, tweetDelivery(601, '961'));
    const letters = await until('two mapping dead letters', async () => {
      const items = (await api(first.base, '/v1/dead-letters?stage=mapping', first.adminKey)).json.items as Array<Record<string, any>>;
      return items.length === 2 ? items : undefined;
    });
    const [byId, byFilter] = [letters.find((l) => JSON.parse(l.body).networkId === '1700000000000000600')!, letters.find((l) => JSON.parse(l.body).networkId === '1700000000000000601')!];
    expect(byId).toMatchObject({ stage: 'mapping', reasonCode: 'MAPPING_FAILED', details: { mappingId: 'sf-x-post', key: 'fields.Posted' } });

    // Still broken: the replay says why, and the letter stays, replayable once the mapping is fixed.
    const broken = await replay(first, byId.id);
    expect(broken).toMatchObject({ status: 422, json: { error: { code: 'PARLEY_API_REPLAY_MAPPING_FAILED', details: { id: byId.id, mappingId: 'sf-x-post', problems: [{ key: 'fields.Posted', problem: expect.stringMatching(/Posted takes a value of type datetime/) }] } } } });
    expect((await api(first.base, `/v1/dead-letters/${byId.id}`, first.adminKey)).json.replayedAt).toBeUndefined();
    expect((await replayByFilter(first, {})).json).toMatchObject({ replayed: [], failed: [{ id: byId.id, code: 'PARLEY_API_REPLAY_MAPPING_FAILED' }, { id: byFilter.id, code: 'PARLEY_API_REPLAY_MAPPING_FAILED' }] });
    // The persona mapping did not fail: its operation is planned already (and waits for a first post to be its parent).
    await until('the persona operations', async () => {
      const ops = await listAll(first.base, '/v1/operations', first.adminKey);
      return ops.filter((o) => o.mappingId === 'sf-x-persona').length === 2 ? true : undefined;
    });

    await first.stop({ keepData: true });
    running.splice(running.indexOf(first), 1);
    folders.push(first.dataDir);
    writeFileSync(postMapping, fixed);
    const parley = await start(mappingsDir, first.dataDir);

    const answer = await replay(parley, byId.id, { 'idempotency-key': 'fix-1' });
    expect(answer).toMatchObject({ status: 200, json: { replayed: [byId.id] } });
    expect((await replay(parley, byId.id, { 'idempotency-key': 'fix-1' })).json).toEqual(answer.json);
    expect(await replay(parley, byId.id)).toMatchObject({ status: 409, json: { error: { code: 'PARLEY_API_NOT_REPLAYABLE' } } });
    const filtered = await replayByFilter(parley, { destination: 'salesforce' });
    expect(filtered).toMatchObject({ status: 200, json: { replayed: [byFilter.id], failed: [] } });
    expect((await replayByFilter(parley, {})).json).toEqual({ replayed: [], failed: [] });

    const conn = await demoConnection(`${parley.base}/sandbox/salesforce`);
    const posts = await until('both posts', async () => {
      const rows = await conn.sobject('SocialPost').find({ ExternalPostId: { $in: ['1700000000000000600', '1700000000000000601'] } }, ['Id', 'ExternalPostId', 'Posted', 'PersonaId']).execute();
      return rows.length === 2 && rows.every((r) => r.PersonaId) ? rows : undefined;
    });
    expect(posts.find((p) => p.ExternalPostId === '1700000000000000600')).toMatchObject({ Posted: expect.stringMatching(/^2026-11-29T10:00:00/) });
    // The personas, waiting for a first post, got it as their parent.
    const personas = await until('the personas parented', async () => {
      const rows = await conn.sobject('SocialPersona').find({ ExternalId: { $in: ['960', '961'] } }, ['Id', 'ParentId']).execute();
      return rows.length === 2 && rows.every((r) => r.ParentId) ? rows : undefined;
    });
    expect(personas.map((p) => p.ParentId).sort()).toEqual(posts.map((p) => p.Id).sort());

    // Exactly once: one operation per event and mapping, all done, and no second replay queues more.
    expect((await replay(parley, byFilter.id)).status).toBe(409);
    const ops = await until('every operation done', async () => {
      const all = await listAll(parley.base, '/v1/operations', parley.adminKey);
      return all.every((o) => o.state === 'done') ? all : undefined;
    });
    // (Setting a post's PersonaId once its persona is written is an update of its own.)
    const count = (mappingId: string) => ops.filter((o) => o.mappingId === mappingId && o.operation === 'upsert').length;
    expect(count('sf-x-post')).toBe(2);
    expect(count('sf-x-persona')).toBe(2);
    expect((await conn.query("SELECT Id FROM SocialPost WHERE ExternalPostId IN ('1700000000000000600', '1700000000000000601')")).totalSize).toBe(2);
    const after = (await api(parley.base, '/v1/dead-letters?stage=mapping', parley.adminKey)).json.items as Array<Record<string, any>>;
    expect(after.map((l) => [l.id, typeof l.replayedAt]).sort()).toEqual([[byId.id, 'string'], [byFilter.id, 'string']].sort());
  });
});
