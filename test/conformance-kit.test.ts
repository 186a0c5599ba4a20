import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConformanceReporter, DESTINATION_CONTRACTS, SOURCE_CONTRACTS, checkDestinationConformance, checkSourceConformance, startSandbox,
  type ConformanceReport, type DestinationConformanceOptions, type SourceConformanceOptions, type StartedSandbox,
} from '../src/conformance/index.ts';
import type { DestinationDefinition, ParsedEvent, SourceDefinition } from '../src/connectors/index.ts';
import salesforce from '../connectors/salesforce/index.ts';
import type { SalesforceConfig } from '../connectors/salesforce/config.ts';
import x from '../connectors/x/index.ts';
import type { XSourceConfig } from '../connectors/x/config.ts';

// The kit's own specification: deliberately broken connectors, each failing the contract it breaks
// (and only that one), with a message that names what is wrong. The built-in connectors passing
// the kit is conformance-builtins.test.ts.

const sample = (name: string) => ({ name, body: readFileSync(new URL(`./fixtures/x/${name}`, import.meta.url)) });
const sourceOptions = (definition: SourceDefinition<XSourceConfig>): SourceConformanceOptions<XSourceConfig, { consumerSecret: string }> => ({
  definition,
  config: { consumerSecret: 'kit-secret' },
  samples: [sample('zammad-tweet-create-mention-photo.json'), sample('docs-dm-message-create.json')],
  sign: (body, config) => ({ 'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', config.consumerSecret).update(body).digest('base64')}` }),
  handshake: { query: { crc_token: 'MTU1NjYyNjg5MTk4Mg==' } },
});

const failed = (report: ConformanceReport) => report.verdicts.filter((v) => v.status === 'failed').map((v) => v.contract);
const verdict = (report: ConformanceReport, contract: string) => report.verdicts.find((v) => v.contract === contract);

describe('source conformance', () => {
  it('a conforming source passes every contract, one verdict per contract in order', async () => {
    const report = await checkSourceConformance(sourceOptions(x));
    expect(report).toMatchObject({ connector: 'x', kind: 'source', ok: true });
    expect(report.verdicts.map((v) => v.contract)).toEqual([...SOURCE_CONTRACTS]);
  });

  it('a verify that accepts a tampered body fails signature.tampered, and only that', async () => {
    const broken: SourceDefinition<XSourceConfig> = { ...x, verify: (request, config) => {
      const result = x.verify(request, config);
      return !result.ok && result.reason === 'mismatch' ? { ok: true } : result;
    } };
    const report = await checkSourceConformance(sourceOptions(broken));
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['signature.tampered']);
    expect(verdict(report, 'signature.tampered')?.message).toMatch(/accepted sample .* with one byte changed/);
  });

  it('a verify that throws on a garbage header fails signature.garbage-never-throws', async () => {
    const broken: SourceDefinition<XSourceConfig> = { ...x, verify: (request, config) => {
      const value = request.headers['x-twitter-webhooks-signature'];
      // A repeated header arrives as an array: this verify assumes it never does.
      if (Array.isArray(value)) throw new TypeError('header is not a string');
      return x.verify(request, config);
    } };
    const report = await checkSourceConformance(sourceOptions(broken));
    expect(failed(report)).toEqual(['signature.garbage-never-throws']);
    expect(verdict(report, 'signature.garbage-never-throws')?.message).toMatch(/verify threw on the header value .*must never throw/);
  });

  it('a parse that emits invalid events fails parse.valid-events, naming the sample and the field', async () => {
    const broken: SourceDefinition<XSourceConfig> = { ...x, parse: async (body, context) => (await x.parse(body, context))
      .map((event) => (event.data.kind === 'interaction' ? { ...event, data: { ...event.data, occurredAt: 'yesterday' } } as ParsedEvent : event)) };
    const report = await checkSourceConformance(sourceOptions(broken));
    expect(failed(report)).toEqual(['parse.valid-events', 'parse.unique-keys', 'parse.stable-keys']);
    expect(verdict(report, 'parse.valid-events')?.message).toMatch(/of zammad-tweet-create-mention-photo\.json is not a valid canonical event: data\.occurredAt/);
  });

  it('keys that name the delivery, not the item, fail parse.stable-keys', async () => {
    let delivery = 0;
    const broken: SourceDefinition<XSourceConfig> = { ...x, parse: async (body, context) => {
      delivery++;
      return (await x.parse(body, context)).map((event) => ({ ...event, key: `${event.key}@${delivery}` }));
    } };
    const report = await checkSourceConformance(sourceOptions(broken));
    expect(failed(report)).toEqual(['parse.stable-keys']);
    expect(verdict(report, 'parse.stable-keys')?.message).toMatch(/twice gave different keys/);
  });

  it('a handshake that answers anything fails handshake.refuses-bad-request', async () => {
    const broken: SourceDefinition<XSourceConfig> = { ...x, handshake: () => ({ ok: true, contentType: 'application/json', body: {} }) };
    const report = await checkSourceConformance(sourceOptions(broken));
    expect(failed(report)).toEqual(['handshake.refuses-bad-request']);
  });
});

describe('destination conformance', () => {
  // One sandbox for the suite: each check writes the same upsert, which is idempotent.
  let sandbox: StartedSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox(salesforce, { fieldOverrides: { SocialPost: { ExternalPostId: { externalId: true, idLookup: true } } } });
  });
  afterAll(async () => sandbox.close());

  const options = (definition: DestinationDefinition<SalesforceConfig>): DestinationConformanceOptions<SalesforceConfig> => ({
    definition,
    sandboxUrl: sandbox.base,
    config: { flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' },
    batch: {
      object: 'SocialPost', operation: 'upsert', matchKey: 'ExternalPostId',
      operations: [0, 1, 2].map((i) => ({ id: `op-kit-${i}`, fields: { ExternalPostId: `kit-${i}`, Name: `Post ${i}`, Provider: 'Twitter', Posted: '2026-11-23T10:00:00.000+0000' } })),
    },
    faults: { 503: 'retryable', REQUEST_LIMIT_EXCEEDED: 'rate-limited' },
  });

  it('a conforming destination passes every contract', async () => {
    const report = await checkDestinationConformance(options(salesforce));
    expect(report.verdicts.filter((v) => v.status !== 'passed')).toEqual([]);
    expect(report.verdicts.map((v) => v.contract)).toEqual(DESTINATION_CONTRACTS.flatMap((c) => (c === 'classify' ? ['classify.503', 'classify.REQUEST_LIMIT_EXCEEDED'] : [c])));
  });

  it('a classify that calls a 503 permanent fails classify.503, saying what it said and what was expected', async () => {
    const broken: DestinationDefinition<SalesforceConfig> = { ...salesforce, classify: (error, context) => {
      const status = (error as { httpStatus?: unknown }).httpStatus;
      return status === 503 ? { kind: 'permanent', scope: 'record' } : salesforce.classify(error, context);
    } };
    const report = await checkDestinationConformance(options(broken));
    expect(failed(report)).toEqual(['classify.503']);
    expect(verdict(report, 'classify.503')?.message).toMatch(/classify\("ERROR_HTTP_503"\) says permanent, expected retryable/);
  });

  it('a send that answers fewer results than records fails write.keyed-by-operation-id: no result can be trusted', async () => {
    const broken: DestinationDefinition<SalesforceConfig> = { ...salesforce, connect: async (config, context) => {
      const session = await salesforce.connect(config, context);
      // Drops the last record's result: which answer belongs to which record is then unknown.
      return {
        describe: () => session.describe(), lookup: (object, field, values) => session.lookup!(object, field, values), close: () => session.close(),
        send: async (batch) => (await session.send(batch)).slice(0, -1),
      };
    } };
    const report = await checkDestinationConformance(options(broken));
    expect(failed(report)).toContain('write.keyed-by-operation-id');
    expect(verdict(report, 'write.keyed-by-operation-id')?.message).toMatch(/operation op-kit-0 was not written: retryable \(RESULT_COUNT_MISMATCH/);
  });

  it('a sandbox that cannot be reached fails connect, and every later contract is reported as not checked', async () => {
    const report = await checkDestinationConformance({ ...options(salesforce), sandboxUrl: 'http://127.0.0.1:9/sandbox/salesforce' });
    expect(verdict(report, 'connect')?.status).toBe('failed');
    expect(report.verdicts.slice(1).every((v) => v.status === 'failed' && v.message === 'not checked: connect failed')).toBe(true);
  });
});

describe('ConformanceReporter', () => {
  // The vitest objects it reads, reduced to what it uses.
  const test = (name: string, state: string, message?: string) => ({ name, result: () => ({ state, errors: message ? [{ message }] : [] }) });
  const suite = (name: string, tests: ReturnType<typeof test>[]) => ({ name, children: { allTests: () => tests } });
  const module = (suites: ReturnType<typeof suite>[]) => ({ children: { allSuites: () => suites } });

  it('prints one line per connector suite: PASS with counts, or FAIL with each broken contract\'s message', () => {
    const lines: string[] = [];
    new ConformanceReporter((line) => lines.push(line)).onTestRunEnd([module([
      suite('conformance: source x', [test('config', 'passed'), test('handshake.answers', 'skipped')]),
      suite('other tests', [test('anything', 'failed', 'not a connector')]),
      suite('conformance: destination acme', [test('connect', 'passed'), test('idempotency', 'failed', 'idempotency: writing the same batch again changed the records')]),
    ])] as never);
    expect(lines).toEqual([
      'PASS source x (1 contracts passed, 1 skipped)',
      'FAIL destination acme: idempotency: writing the same batch again changed the records',
    ]);
  });
});
