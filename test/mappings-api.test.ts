import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { salesforceMappingsFor } from './helpers/mapping-copies.ts';
import { api, postX, signX, startParley, tweetDelivery, type TestParley } from './helpers/parley.ts';
import { tempDir } from './helpers/temp-dirs.ts';
import { until } from './helpers/wait.ts';

// Mappings as the ops API serves them (issue 21 item 4): listed with their version, read as JSON
// or YAML with an ETag, changed with If-Match (one of two racing changes wins), refused with every
// problem located when they do not pass their checks (the running version stays), versioned with
// their author, reloaded from the files — and each operation names the version that made it.
const running: TestParley[] = [];
afterEach(async () => { for (const p of running.splice(0)) await p.stop(); });

async function start() {
  const dir = tempDir('parley-mappings-');
  salesforceMappingsFor(process.cwd(), dir, []);
  const parley = await startParley({
    extra: { mappingsDir: dir },
    apiKeys: [{ name: 'reader', key: 'test-reader-key-0123456789', scope: 'read' }, { name: 'ada', key: 'test-ada-admin-key-0123456789', scope: 'admin' }],
    sandboxes: { salesforce: {} },
    destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
  });
  running.push(parley);
  return { parley, dir };
}

const put = (parley: TestParley, id: string, body: string, headers: Record<string, string> = {}, key = parley.adminKey) =>
  api(parley.base, `/v1/mappings/${id}`, key, { method: 'PUT', headers: { 'content-type': 'application/yaml', ...headers }, body });

describe('mappings over the API', () => {
  it('lists every mapping in force with id, source, when, target and version, and reads one as JSON or as its YAML with an ETag', async () => {
    const { parley, dir } = await start();
    const list = await api(parley.base, '/v1/mappings', 'test-reader-key-0123456789');
    expect(list.status).toBe(200);
    const post = list.json.items.find((m: { id: string }) => m.id === 'sf-x-post');
    expect(post).toMatchObject({ id: 'sf-x-post', version: 1, source: { kind: 'interaction', network: 'x' }, when: expect.stringContaining('activity in'), target: { destination: 'salesforce', object: 'SocialPost', operation: 'upsert' }, origin: 'file' });
    const one = await api(parley.base, '/v1/mappings/sf-x-post', 'test-reader-key-0123456789');
    expect(one.headers.get('etag')).toBe('"1"');
    expect(one.json).toEqual(post);
    const yaml = await fetch(`${parley.base}/v1/mappings/sf-x-post`, { headers: { authorization: 'Bearer test-reader-key-0123456789', accept: 'application/yaml' } });
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(await yaml.text()).toBe(readFileSync(join(dir, 'salesforce', 'sf-x-post.yaml'), 'utf8'));
    expect((await api(parley.base, '/v1/mappings/no-such-mapping', parley.adminKey)).json.error.code).toBe('PARLEY_API_MAPPING_NOT_FOUND');
    // Changing a mapping takes admin.
    expect((await put(parley, 'sf-x-post', 'id: sf-x-post', {}, 'test-reader-key-0123456789')).status).toBe(403);
  });

  it('two changes sent with the same If-Match: one wins, the other gets 412; an invalid one leaves the running version in force', async () => {
    const { parley } = await start();
    const yaml = await (await fetch(`${parley.base}/v1/mappings/sf-x-post`, { headers: { authorization: `Bearer ${parley.adminKey}`, accept: 'application/yaml' } })).text();
    const [a, b] = await Promise.all([
      put(parley, 'sf-x-post', yaml.replace('Provider: \'"Twitter"\'', 'Provider: \'"Other"\''), { 'if-match': '"1"' }),
      put(parley, 'sf-x-post', yaml.replace('Content: text', 'Content: \'"(hidden)"\''), { 'if-match': '"1"' }, 'test-ada-admin-key-0123456789'),
    ]);
    expect([a.status, b.status].sort(), a.text + b.text).toEqual([200, 412]);
    const lost = a.status === 412 ? a : b;
    expect(lost.json.error).toMatchObject({ code: 'PARLEY_API_MAPPING_VERSION_MISMATCH', details: { id: 'sf-x-post', current: '"2"' } });
    const won = a.status === 200 ? a : b;
    expect(won.headers.get('etag')).toBe('"2"');

    const bad = yaml.replace('Content: text', 'Contnet: text').replace('Posted: occurredAt', 'Posted: occuredAt');
    const refused = await put(parley, 'sf-x-post', bad, { 'if-match': '"2"' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.code).toBe('PARLEY_API_MAPPING_REFUSED');
    const problems = refused.json.error.details.problems as Array<{ key: string; line?: number; message: string }>;
    expect(problems.map((p) => p.key).sort()).toEqual(['fields.Contnet', 'fields.Posted']);
    const lineOf = (text: string) => bad.split('\n').findIndex((l) => l.includes(text)) + 1;
    expect(problems.find((p) => p.key === 'fields.Contnet')).toMatchObject({ line: lineOf('Contnet:'), message: expect.stringContaining('Content') });
    expect(problems.find((p) => p.key === 'fields.Posted')).toMatchObject({ line: lineOf('occuredAt'), message: expect.stringContaining('occurredAt') });
    const after = await api(parley.base, '/v1/mappings/sf-x-post', parley.adminKey);
    expect(after.json.version).toBe(2);
    expect(after.json.author).toBe(won === a ? 'admin' : 'ada');

    const versions = await api(parley.base, '/v1/mappings/sf-x-post/versions', parley.adminKey);
    expect(versions.json.items.map((v: { version: number; origin: string }) => [v.version, v.origin])).toEqual([[2, 'api'], [1, 'file']]);
  });

  it('each operation names the version of the mapping that made it; a change applies to the next events', async () => {
    const { parley } = await start();
    const yaml = await (await fetch(`${parley.base}/v1/mappings/sf-x-post`, { headers: { authorization: `Bearer ${parley.adminKey}`, accept: 'application/yaml' } })).text();
    const send = async (i: number) => {
      const body = tweetDelivery(i, '970');
      expect((await postX(parley.base, body, { 'x-twitter-webhooks-signature': signX(parley.secret, body) })).status).toBe(200);
    };
    const postOps = async () => ((await api(parley.base, '/v1/operations?limit=500', parley.adminKey)).json.items as Array<{ mappingId: string; mappingVersion?: number; eventId: string }>)
      .filter((o) => o.mappingId === 'sf-x-post');
    await send(1);
    await until('the first post planned', async () => ((await postOps()).length === 1 ? true : undefined));
    expect((await postOps())[0]!.mappingVersion).toBe(1);
    expect((await put(parley, 'sf-x-post', yaml.replace('Provider: \'"Twitter"\'', 'Provider: \'"Twitter" \''), { 'if-match': '"1"' })).status).toBe(200);
    await send(2);
    const ops = await until('the second post planned', async () => { const o = await postOps(); return o.length === 2 ? o : undefined; });
    expect(ops.map((o) => o.mappingVersion).sort()).toEqual([1, 2]);
  });

  it('picks up an edited file: by POST /v1/mappings/reload, and by itself through the file watcher; an invalid file is reported and changes nothing', async () => {
    const { parley, dir } = await start();
    const file = join(dir, 'salesforce', 'sf-x-follow.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}# edited\n`);
    const found = await until('the watcher to store a new version', async () => {
      const m = (await api(parley.base, '/v1/mappings/sf-x-follow', parley.adminKey)).json;
      return m.version === 2 ? m : undefined;
    }, 10_000);
    expect(found.author).toBe(`file:${file}`);
    writeFileSync(file, text.replace('IsFollowingUs:', 'IsFollowingUss:'));
    const reload = await api(parley.base, '/v1/mappings/reload', parley.adminKey, { method: 'POST' });
    expect(reload.status).toBe(200);
    expect(reload.json.problems).toEqual([expect.objectContaining({ mappingId: 'sf-x-follow', key: 'fields.IsFollowingUss', line: text.split('\n').findIndex((l) => l.includes('IsFollowingUs:')) + 1, message: expect.stringContaining('IsFollowingUs') })]);
    expect((await api(parley.base, '/v1/mappings/sf-x-follow', parley.adminKey)).json.version).toBe(2);
  });
});
