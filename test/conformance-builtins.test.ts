import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeDestinationConformance, describeSourceConformance, type SourceSample } from '../src/conformance/index.ts';
import facebook from '../connectors/facebook/index.ts';
import instagram from '../connectors/instagram/index.ts';
import linkedin from '../connectors/linkedin/index.ts';
import oracleCx from '../connectors/oracle-cx/definition.ts';
import { FAULTS as ORACLE_CX_FAULTS } from '../connectors/oracle-cx/sandbox/faults.ts';
import salesforce from '../connectors/salesforce/index.ts';
import sapC4c from '../connectors/sap-c4c/definition.ts';
import { FAULTS as SAP_C4C_FAULTS } from '../connectors/sap-c4c/sandbox/faults.ts';
import { FAULTS } from '../connectors/salesforce/sandbox/faults.ts';
import standard from '../connectors/standard/index.ts';
import x from '../connectors/x/index.ts';

// Every built-in connector through the conformance kit, as a vendor runs it from their own suite
// (docs/connectors.md). `npm run test:conformance` runs this file alone and prints one line per
// connector (vitest.conformance.config.ts). Samples are the real deliveries of test/fixtures/.

const fixtures = new URL('./fixtures/', import.meta.url);
const samples = (...folders: string[]): SourceSample[] => folders.flatMap((folder) => readdirSync(new URL(`${folder}/`, fixtures))
  .filter((name) => name.endsWith('.json')).sort()
  .map((name) => ({ name: `${folder}/${name}`, body: readFileSync(new URL(`${folder}/${name}`, fixtures)) })));
const hmac = (key: string | Buffer, data: string | Buffer, encoding: 'hex' | 'base64') => createHmac('sha256', key).update(data).digest(encoding);

describeSourceConformance({
  definition: x,
  config: { consumerSecret: 'conformance-x-secret' },
  samples: samples('x'),
  // X Account Activity API, "Securing webhooks": base64 HMAC-SHA256 of the body under the consumer secret.
  sign: (body, config) => ({ 'x-twitter-webhooks-signature': `sha256=${hmac(config.consumerSecret, body, 'base64')}` }),
  handshake: {
    query: { crc_token: 'MTU1NjYyNjg5MTk4Mg==' },
    check: (r) => (r.ok && r.contentType === 'application/json' && r.body.response_token === `sha256=${hmac('conformance-x-secret', 'MTU1NjYyNjg5MTk4Mg==', 'base64')}` ? undefined : 'not the CRC response_token'),
  },
});

// Meta (Graph API Webhooks, "Event Notifications"): lower-case hex HMAC-SHA256 under the app secret.
const meta = { appSecret: 'conformance-meta-secret', verifyToken: 'conformance-verify-token' };
const metaSign = (body: Buffer, config: typeof meta) => ({ 'x-hub-signature-256': `sha256=${hmac(config.appSecret, body, 'hex')}` });
const metaHandshake = {
  query: { 'hub.mode': 'subscribe', 'hub.verify_token': meta.verifyToken, 'hub.challenge': '1158201444' },
  check: (r: { ok: boolean; body?: unknown }) => (r.ok && r.body === '1158201444' ? undefined : 'the challenge was not echoed'),
};
describeSourceConformance({ definition: facebook, config: meta, samples: samples('facebook', 'messenger'), sign: metaSign, handshake: metaHandshake });
describeSourceConformance({ definition: instagram, config: meta, samples: samples('instagram'), sign: metaSign, handshake: metaHandshake });

// LinkedIn "Webhook validation": hex HMAC-SHA256 of `hmacsha256=` + body (the connector's default reading).
describeSourceConformance({
  definition: linkedin,
  config: { clientSecret: 'conformance-linkedin-secret' },
  samples: samples('linkedin'),
  sign: (body, config) => ({ 'x-li-signature': hmac(config.clientSecret, Buffer.concat([Buffer.from('hmacsha256='), body]), 'hex') }),
  handshake: { query: { challengeCode: '890e4d6c-9a4b-4e1f-8a51-3c1a2f3b8c3d' } },
});

// Standard Webhooks v1: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the whsec_ key.
const standardSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
let delivery = 0;
describeSourceConformance({
  definition: standard,
  config: { secret: standardSecret },
  samples: samples('standard'),
  sign: (body, config) => {
    const id = `msg_conformance_${++delivery}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const key = Buffer.from(config.secret.replace(/^whsec_/, ''), 'base64');
    return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${hmac(key, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]), 'base64')}` };
  },
});

// Every fault the Salesforce sandbox injects (connectors/salesforce/sandbox/faults.ts), with the
// class the reference's classification table gives it. A session refused even after a new login
// (INVALID_SESSION_ID on every call) is a credentials problem: permanent.
const salesforceFaults = {
  UNABLE_TO_LOCK_ROW: 'retryable', SERVER_UNAVAILABLE: 'retryable', UNKNOWN_EXCEPTION: 'retryable',
  500: 'retryable', 502: 'retryable', 503: 'retryable', 504: 'retryable',
  REQUEST_LIMIT_EXCEEDED: 'rate-limited', ConcurrentRequests: 'rate-limited',
  INVALID_SESSION_ID: 'permanent',
} as const;

describeDestinationConformance({
  definition: salesforce,
  // Whether ExternalPostId is an External ID in real orgs is unconfirmed (reference §5): the sandbox lets the test say.
  sandboxOptions: { fieldOverrides: { SocialPost: { ExternalPostId: { externalId: true, idLookup: true } } } },
  config: { flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' },
  badConfig: { flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'not-the-secret' },
  batch: {
    object: 'SocialPost', operation: 'upsert', matchKey: 'ExternalPostId',
    operations: Array.from({ length: 5 }, (_, i) => ({
      id: `op-conformance-${i}`,
      matchValue: `conformance-${i}`,
      fields: { ExternalPostId: `conformance-${i}`, Name: `Post ${i}`, Posted: '2026-11-23T10:00:00.000+0000', Content: `text ${i}`, Provider: 'Twitter', MessageType: 'Tweet' },
    })),
  },
  faults: salesforceFaults,
});

describe('the Salesforce conformance run', () => {
  it('injects every fault the sandbox knows, so a new one cannot go unclassified', () => {
    expect(Object.keys(salesforceFaults).sort()).toEqual(Object.keys(FAULTS).sort());
  });
});

// Every fault the SAP C4C sandbox injects on the calls the connector makes (connectors/sap-c4c/sandbox/faults.ts):
// a look-up GET (`read`) and the `$batch` (`batch`), with the class the reference's classification table
// gives it. Faults only single writes can get (412) never meet it: every write goes through `$batch`.
const sapC4cFaults = {
  400: 'permanent', 404: 'permanent', CSRF_REQUIRED: 'retryable', 500: 'retryable', 503: 'retryable', 429: 'rate-limited',
} as const;

describeDestinationConformance({
  definition: sapC4c,
  config: { auth: 'basic', username: 'parley-demo', password: 'parley-demo-secret' },
  badConfig: { auth: 'basic', username: 'parley-demo', password: 'not-the-secret' },
  batch: {
    object: 'SocialMediaActivity', operation: 'upsert', matchKey: 'SocialMediaMessageID',
    operations: Array.from({ length: 5 }, (_, i) => ({
      id: `op-conformance-${i}`,
      matchValue: `conformance-${i}`,
      fields: { SocialMediaMessageID: `conformance-${i}`, SocialMediaChannelCode: '001', Text: `text ${i}` },
    })),
  },
  faults: sapC4cFaults,
});

describe('the SAP C4C conformance run', () => {
  it('injects every fault the sandbox can put on a look-up or a $batch, so a new one cannot go unclassified', () => {
    const reachable = Object.entries(SAP_C4C_FAULTS).filter(([, f]) => f.on.includes('read') || f.on.includes('batch')).map(([key]) => key);
    expect(Object.keys(sapC4cFaults).sort()).toEqual(reachable.sort());
  });
});

// Every fault the Oracle CX sandbox injects (connectors/oracle-cx/sandbox/faults.ts), with the class
// the reference's classification table gives it. Writes go through one batch call; a fault fails it
// whole, as a plain HTTP error (connectors/oracle-cx/README.md, "Batch").
const oracleCxFaults = { 429: 'rate-limited', 500: 'retryable', 502: 'retryable', 503: 'retryable', 504: 'retryable' } as const;

describeDestinationConformance({
  definition: oracleCx,
  config: { auth: 'basic', username: 'parley-demo', password: 'parley-demo-secret' },
  badConfig: { auth: 'basic', username: 'parley-demo', password: 'not-the-secret' },
  batch: {
    object: 'socialUsers', operation: 'upsert', matchKey: 'SocialNetworkUserId',
    operations: Array.from({ length: 5 }, (_, i) => ({
      id: `op-conformance-${i}`,
      matchValue: `conformance-${i}`,
      fields: { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: `conformance-${i}`, SocialNetworkUserName: `user ${i}`, FollowerCount: i },
    })),
  },
  faults: oracleCxFaults,
});

describe('the oracle-cx conformance run', () => {
  it('injects every fault the sandbox knows, so a new one cannot go unclassified', () => {
    expect(Object.keys(oracleCxFaults).sort()).toEqual(Object.keys(ORACLE_CX_FAULTS).sort());
  });
});
