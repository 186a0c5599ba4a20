import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../src/connectors/outbound.ts';
import { connectDestination } from '../src/connectors/index.ts';
import { startSalesforceSandbox, type RunningSandbox } from './helpers/salesforce-sandbox.ts';
import salesforce from '../connectors/salesforce/index.ts';
import { SalesforceConfig } from '../connectors/salesforce/config.ts';

// The batched look-up against the sandbox (which jsforce cannot tell from Salesforce): the records
// of many natural keys, one SOQL IN query per 100 keys. ExternalPostId is no External ID here, as
// in orgs where it is not one (reference §5): a look-up is a query, never an idLookup.
let sandbox: RunningSandbox;
beforeAll(async () => { sandbox = await startSalesforceSandbox(); });
afterAll(async () => sandbox.close());

const connect = () => connectDestination(salesforce, SalesforceConfig.parse({ flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' }), {
  name: 'salesforce', sandboxUrl: sandbox.base,
  outbound: (baseUrl) => createOutboundClient({ destination: 'salesforce', baseUrl, trustedDomains: salesforce.trustedDomains ?? [] }),
  logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
}, { retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 } });
const queries = async () => Object.entries((await sandbox.stats()).calls).filter(([k]) => /query/i.test(k)).reduce((n, [, v]) => n + v, 0);

describe('Salesforce connector: batched look-ups', () => {
  it('finds 250 records in 3 queries, answers only for the keys that exist, and escapes every key', async () => {
    const client = await connect();
    const keys = [...Array.from({ length: 248 }, (_, i) => `lm-${i}`), "O'Brien\\1", 'a/b c?d#&%'];
    const ids = new Map<string, string>();
    for (let i = 0; i < keys.length; i += 200) {
      const chunk = keys.slice(i, i + 200);
      const results = await client.write({
        object: 'SocialPost', operation: 'create',
        operations: chunk.map((key) => ({ id: key, fields: { ExternalPostId: key, Name: key, Posted: '2026-11-23T10:00:00.000+0000', Provider: 'Twitter', MessageType: 'Tweet' } })),
      });
      for (const [key, result] of results) { expect(result.status).toBe('done'); ids.set(key, (result as { recordId: string }).recordId); }
    }
    const before = await queries();
    const found = await client.lookupMany!('SocialPost', 'ExternalPostId', [...keys, 'absent-1', 'absent-2']);
    expect(await queries() - before).toBe(3);
    expect(found).toEqual(ids);
    expect(found.has('absent-1')).toBe(false);
  });

  it('answers a value with the oldest record, as lookup does, and refuses names it cannot put in SOQL', async () => {
    const client = await connect();
    const post = { ExternalPostId: 'twice', Name: 'twice', Posted: '2026-11-23T10:00:00.000+0000', Provider: 'Twitter', MessageType: 'Tweet' };
    const first = (await client.write({ object: 'SocialPost', operation: 'create', operations: [{ id: 'a', fields: post }] })).get('a') as { recordId: string };
    await client.write({ object: 'SocialPost', operation: 'create', operations: [{ id: 'b', fields: post }] });
    expect((await client.lookupMany!('SocialPost', 'ExternalPostId', ['twice'])).get('twice')).toBe(first.recordId);
    expect(await client.lookup!('SocialPost', 'ExternalPostId', 'twice')).toBe(first.recordId);
    await expect(client.lookupMany!('SocialPost', 'Id) OR (Name', ['x'])).rejects.toThrow(/not a Salesforce name/);
  });
});
