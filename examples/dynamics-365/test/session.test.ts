import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDestination, type DestinationClient, type WriteBatch } from 'parley/sdk';
import { startSandbox, type StartedSandbox } from 'parley/testing';
import dynamics from 'parley-connector-dynamics-365';  // itself, by its package name
import { loopbackContext } from './context.ts';

// The connector through Parley's destination kit against its own sandbox: what the conformance kit
// does not look at (per-record results inside one $batch, lookups bound with @odata.bind, created
// flags, deletes, the posts switch). In-call retries are off so each answer is seen as it came.
let sandbox: StartedSandbox;
let client: DestinationClient;
const config = (extra: Record<string, unknown> = {}) => dynamics.configSchema.parse({ clientId: 'parley-demo', clientSecret: 'parley-demo-secret', ...extra });
const connect = (extra: Record<string, unknown> = {}) => {
  const context = loopbackContext(sandbox.base);
  return { context, client: connectDestination(dynamics, config(extra), context, { retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 } }) };
};

beforeAll(async () => {
  sandbox = await startSandbox(dynamics, {});
  client = await connect().client;
});
afterAll(async () => {
  await client?.close();
  await sandbox?.close();
});

/** A sandbox call with a token of its own, as any Web API client makes it. */
async function api(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const token = await fetch(`${sandbox.base}/tenant/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'parley-demo', client_secret: 'parley-demo-secret', scope: `${sandbox.base}/.default` }),
  }).then(async (r) => (await r.json() as { access_token: string }).access_token);
  return fetch(`${sandbox.base}/api/data/v9.2/${path}`, { method, headers: { authorization: `Bearer ${token}`, ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}) });
}
const records = async () => (await (await fetch(`${sandbox.base}/_stats`)).json() as { records: Record<string, number> }).records;

const profiles = (...ids: string[]): WriteBatch => ({
  object: 'socialprofile', operation: 'upsert', matchKey: 'uniqueprofileid',
  operations: ids.map((id) => ({ id: `op-${id}`, matchValue: `x:${id}`, fields: { uniqueprofileid: `x:${id}`, profilename: `@${id}`, community: 2 } })),
});

describe('the Dynamics 365 connector, through the destination kit', () => {
  it('describes its tables: the alternate key as an upsert key, lookups as references by navigation property', async () => {
    const catalog = await client.catalog();
    expect(catalog.objects.map((o) => o.name)).toEqual(['socialprofile', 'contact', 'parley_socialpost']);
    const profile = catalog.objects.find((o) => o.name === 'socialprofile')!;
    expect(profile.fields.find((f) => f.name === 'uniqueprofileid')).toMatchObject({ upsertKey: true, valueType: 'string', length: 100 });
    expect(profile.fields.find((f) => f.name === 'customerid_contact')).toMatchObject({ valueType: 'reference', referenceTo: ['contact'] });
    expect(profile.fields.find((f) => f.name === 'community')).toMatchObject({ updateable: false, valueType: 'integer' });
  });

  it('answers each record of one $batch on its own: a value too long fails its record only', async () => {
    const batch = profiles('iso-1', 'iso-2', 'iso-3');
    batch.operations[1]!.fields.profilename = 'x'.repeat(101);
    const before = (await records()).socialprofile ?? 0;
    const results = await client.write(batch);
    expect(results.get('op-iso-1')).toMatchObject({ status: 'done', created: true });
    expect(results.get('op-iso-2')).toMatchObject({ status: 'permanent', scope: 'record', error: { code: '0x80044331', httpStatus: 400 } });
    expect(results.get('op-iso-3')).toMatchObject({ status: 'done', created: true });
    expect((await records()).socialprofile).toBe(before + 2);
  });

  it('upserts by alternate key: the same record again, created false the second time', async () => {
    const first = await client.write(profiles('again'));
    const second = await client.write(profiles('again'));
    expect(first.get('op-again')).toMatchObject({ status: 'done', created: true });
    expect(second.get('op-again')).toEqual({ status: 'done', created: false, recordId: (first.get('op-again') as { recordId: string }).recordId });
  });

  it('binds a reference with @odata.bind to the record it names, and finds records by a column', async () => {
    const created = await client.write({ object: 'contact', operation: 'create', operations: [{ id: 'op-c', fields: { lastname: 'Doe', emailaddress1: 'jane@example.com' } }] });
    const contactId = (created.get('op-c') as { recordId: string }).recordId;
    const batch = profiles('linked');
    batch.operations[0]!.fields.customerid_contact = contactId;
    expect((await client.write(batch)).get('op-linked')).toMatchObject({ status: 'done' });
    const row = await (await api('GET', `socialprofiles?$select=_customerid_value&$filter=uniqueprofileid eq 'x:linked'`)).json() as { value: Array<Record<string, unknown>> };
    expect(row.value[0]?._customerid_value).toBe(contactId);
    expect(await client.lookupMany!('contact', 'emailaddress1', ['jane@example.com', 'nobody@example.com'])).toEqual(new Map([['jane@example.com', contactId]]));
  });

  it('deletes by id, and a record already gone counts as deleted; an update of a missing record is refused', async () => {
    const id = ((await client.write(profiles('gone'))).get('op-gone') as { recordId: string }).recordId;
    const remove: WriteBatch = { object: 'socialprofile', operation: 'delete', operations: [{ id: 'op-del', recordId: id, fields: {} }] };
    expect((await client.write(remove)).get('op-del')).toMatchObject({ status: 'done', recordId: id });
    expect((await client.write(remove)).get('op-del')).toMatchObject({ status: 'done' });
    const update = await client.write({ object: 'socialprofile', operation: 'update', operations: [{ id: 'op-upd', recordId: id, fields: { profilename: '@back' } }] });
    expect(update.get('op-upd')).toMatchObject({ status: 'permanent', scope: 'record', error: { code: '0x80040217', httpStatus: 404 } });
  });

  it('passes on the wait a 429 announced', async () => {
    await fetch(`${sandbox.base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: { '0x80072326': 1 } }) });
    try {
      const results = await client.write(profiles('busy'));
      expect(results.get('op-busy')).toMatchObject({ status: 'rate-limited', retryAfterMs: 1000, error: { code: '0x80072326' } });
    } finally {
      await fetch(`${sandbox.base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    }
  });

  it('refuses a bad secret at connect as a config problem', async () => {
    await expect(connectDestination(dynamics, config({ clientSecret: 'wrong' }), loopbackContext(sandbox.base))).rejects.toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG' });
  });

  it('writes posts where the switch says, and warns when that is socialactivity', async () => {
    const notes = connect({ posts: 'annotation' });
    const catalog = await (await notes.client).catalog();
    expect(catalog.objects.map((o) => o.name)).toContain('annotation');
    expect(notes.context.logged.filter((l) => l.level === 'warn')).toEqual([]);
    await (await notes.client).close();
    const internal = connect({ posts: 'socialactivity' });
    await (await internal.client).close();
    expect(internal.context.logged.filter((l) => l.level === 'warn').map((l) => l.obj)).toEqual([{ destination: 'dynamics', table: 'socialactivity' }]);
  });
});

describe('the sandbox\'s service documents', () => {
  it('serves a CSDL $metadata of its tables and refuses a call without a token', async () => {
    const metadata = await (await api('GET', '$metadata')).text();
    expect(metadata).toContain('<EntitySet Name="socialprofiles" EntityType="Microsoft.Dynamics.CRM.socialprofile" />');
    expect(metadata).toContain('<NavigationProperty Name="customerid_contact" Type="mscrm.contact" Nullable="false" />');
    const anonymous = await fetch(`${sandbox.base}/api/data/v9.2/contacts`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
});

describe('the sandbox\'s $batch', () => {
  const part = (method: string, url: string, body: string | undefined, id: string) => [
    '--changeset_c', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${id}`, '',
    `${method} ${url} HTTP/1.1`, 'Content-Type: application/json', '', body ?? '',
  ].join('\r\n');

  it('rolls a change set back when one of its requests fails, answering that failure alone', async () => {
    const before = (await records()).contact ?? 0;
    const body = ['--batch_b', 'Content-Type: multipart/mixed; boundary=changeset_c', '',
      part('POST', '/api/data/v9.2/contacts', '{"lastname":"Kept?"}', '1'),
      part('POST', '/api/data/v9.2/contacts', `{"lastname":"${'y'.repeat(51)}"}`, '2'),
      '--changeset_c--', '--batch_b--', ''].join('\r\n');
    const answer = await api('POST', '$batch', { headers: { 'content-type': 'multipart/mixed; boundary=batch_b', prefer: 'odata.continue-on-error' }, body });
    const text = await answer.text();
    expect(answer.status).toBe(200);
    expect(text.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 400']);
    expect(text).toContain('0x80044331');
    expect((await records()).contact).toBe(before);
  });

  it('stops at the first failure without continue-on-error; a $1 reference reaches the record created before it', async () => {
    const before = (await records()).contact ?? 0;
    const body = ['--batch_b', 'Content-Type: multipart/mixed; boundary=changeset_c', '',
      part('POST', '/api/data/v9.2/contacts', '{"lastname":"First"}', '1'),
      part('PATCH', '$1', '{"firstname":"Ann"}', '2'),
      '--changeset_c--',
      '--batch_b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
      'DELETE /api/data/v9.2/contacts(00000000-0000-0000-0000-000000000001) HTTP/1.1', '', '',
      '--batch_b', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '',
      'POST /api/data/v9.2/contacts HTTP/1.1', 'Content-Type: application/json', '', '{"lastname":"Never"}',
      '--batch_b--', ''].join('\r\n');
    const answer = await api('POST', '$batch', { headers: { 'content-type': 'multipart/mixed; boundary="batch_b"' }, body });
    const text = await answer.text();
    expect(answer.status).toBe(404);
    expect(text.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 204', 'HTTP/1.1 404']);
    expect((await records()).contact).toBe(before + 1);
    const ann = await (await api('GET', `contacts?$filter=firstname eq 'Ann'&$select=lastname`)).json() as { value: Array<{ lastname: string }> };
    expect(ann.value.map((c) => c.lastname)).toEqual(['First']);
  });
});
