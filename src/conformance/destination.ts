import { randomUUID } from 'node:crypto';
import { createOutboundClient } from '../connectors/outbound.ts';
import { connectDestination } from '../connectors/destination-kit/index.ts';
import type { DestinationClient, DestinationContext, DestinationDefinition, ErrorClass, WriteBatch, WriteResult } from '../connectors/index.ts';
import { startSandbox, type StartedSandbox } from './sandbox.ts';
import { ContractBroken, Verdicts, describeError, expectThat, type ConformanceReport } from './verdict.ts';
import { SandboxControl } from './sandbox-control.ts';

/**
 * What a vendor gives the kit for a destination. The kit talks to the connector's sandbox only over
 * HTTP: the vendor's paths through the connector, `PUT <sandbox>/_faults` and `GET <sandbox>/_stats`.
 */
export interface DestinationConformanceOptions<C = unknown> {
  definition: DestinationDefinition<C>;
  /**
   * The destination's block in `parley.yaml` (before `configSchema`), with the sandbox's demo
   * credentials. The kit writes with no retries inside a call, so each fault is seen at once.
   */
  config: unknown;
  /** A config whose credentials the sandbox refuses: `connect` must reject it. Optional. */
  badConfig?: unknown;
  /** A sandbox already running (`http://127.0.0.1:<port>/sandbox/<id>`); without it the kit serves `definition.sandbox` itself. */
  sandboxUrl?: string;
  /** The sandbox's block when the kit serves it (`sandboxes.<id>` in `parley.yaml`). */
  sandboxOptions?: unknown;
  /**
   * An upsert the sandbox accepts: every operation valid, `matchKey` set. It is written, written
   * again (idempotency), written under each fault, and its match values are looked up.
   */
  batch: WriteBatch;
  /**
   * Each error the sandbox can inject (a key of `_faults`' `errors`) with the class it must come
   * back as: `{ SERVER_UNAVAILABLE: 'retryable', REQUEST_LIMIT_EXCEEDED: 'rate-limited', 503: 'retryable' }`.
   * The kit injects each at rate 1, writes the batch, and expects every result of that class (or
   * `done`, for a fault that hits only some records of a call, such as a row lock; at least one not done).
   */
  faults: Readonly<Record<string, ErrorClass['kind']>>;
  /** The `_faults` body that expires every session (default `{ expireSessions: true }`), or false when the sandbox cannot. */
  sessionExpiry?: Record<string, unknown> | false;
}

/** The contracts a destination is checked against, in order (one `classify.<fault>` verdict per fault). */
export const DESTINATION_CONTRACTS = ['connect', 'catalog', 'write.keyed-by-operation-id', 'idempotency', 'classify', 'session-expiry', 'lookup', 'lookup-many'] as const;

/**
 * Checks a destination connector against its sandbox and answers one verdict per contract
 * (`DESTINATION_CONTRACTS`; the classification has one verdict per fault, `classify.<fault>`).
 * Never throws for a broken connector. Starts and stops the sandbox itself unless `sandboxUrl` is given.
 */
export async function checkDestinationConformance<C>(options: DestinationConformanceOptions<C>): Promise<ConformanceReport> {
  const { definition } = options;
  const verdicts = new Verdicts();
  let started: StartedSandbox | undefined;
  let client: DestinationClient | undefined;
  let config: C | undefined;
  try {
    let base = options.sandboxUrl;
    if (base === undefined) {
      try {
        started = await startSandbox(definition, options.sandboxOptions ?? {});
        base = started.base;
      } catch (error) {
        for (const contract of DESTINATION_CONTRACTS) verdicts.fail(contract, `not checked: the sandbox did not start (${describeError(error)})`);
        return verdicts.report(definition.id, 'destination');
      }
    }
    const sandbox = new SandboxControl(base.replace(/\/+$/, ''));
    const context = contextFor(definition, sandbox.base);
    await verdicts.run('connect', async () => {
      const parsed = definition.configSchema.safeParse(options.config);
      expectThat(parsed.success, `configSchema refused the test config: ${parsed.success ? '' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      config = parsed.data;
      // Through the destination kit, as Parley runs it; no retries in the call, so each fault is seen at once.
      client = await connectDestination(definition, parsed.data, context, { retry: NO_RETRIES });
      if (options.badConfig === undefined) return 'connected';
      const bad = definition.configSchema.safeParse(options.badConfig);
      expectThat(bad.success, 'configSchema refused badConfig: it must be valid, with credentials the sandbox refuses');
      const refused = await definition.connect(bad.data, context).then(async (c) => { await c.close(); return false; }, () => true);
      expectThat(refused, 'connect succeeded with credentials the sandbox refuses');
      return 'connected; wrong credentials refused';
    });
    if (!client) {
      for (const contract of DESTINATION_CONTRACTS.slice(1)) verdicts.fail(contract, 'not checked: connect failed');
      return verdicts.report(definition.id, 'destination');
    }
    await checkWithClient(verdicts, options, client, sandbox, config as C);
    return verdicts.report(definition.id, 'destination');
  } finally {
    await client?.close().catch(() => undefined);
    await started?.close();
  }
}

/** The kit's in-call retries, off. */
const NO_RETRIES = { retries: 0, minDelayMs: 1, maxDelayMs: 1 };

/** A context as Parley gives one: the SDK's outbound policy, a silent logger, signals recorded. */
function contextFor(definition: Pick<DestinationDefinition, 'id' | 'trustedDomains'>, sandboxUrl: string): DestinationContext {
  const quiet = () => undefined;
  return {
    name: definition.id, sandboxUrl,
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    outbound: (baseUrl) => createOutboundClient({ destination: definition.id, baseUrl, trustedDomains: definition.trustedDomains ?? [] }),
  };
}

async function checkWithClient<C>(verdicts: Verdicts, options: DestinationConformanceOptions<C>, client: DestinationClient, sandbox: SandboxControl, config: C): Promise<void> {
  const { batch, definition } = options;
  const ids = batch.operations.map((op) => op.id);
  await verdicts.run('catalog', async () => {
    const catalog = await client.catalog();
    expectThat(Array.isArray(catalog.objects) && catalog.objects.length > 0, 'catalog() listed no objects');
    for (const object of catalog.objects) expectThat(object.fields.length > 0, `catalog object ${object.name} lists no fields`);
    const target = catalog.objects.find((o) => o.name === batch.object);
    expectThat(target, `the catalog has no ${batch.object}, the object the test batch writes`);
    const known = new Set(target.fields.map((f) => f.name));
    const unknown = [...new Set(batch.operations.flatMap((op) => Object.keys(op.fields)))].filter((f) => !known.has(f));
    expectThat(unknown.length === 0, `the catalog's ${batch.object} lacks fields the sandbox accepts: ${unknown.join(', ')}`);
    return `${catalog.objects.length} object(s); ${batch.object} with ${target.fields.length} fields`;
  });

  const recordIds = new Map<string, string>();
  const written = await verdicts.run('write.keyed-by-operation-id', async () => {
    const results = await client.write(batch);
    keyedByOperationId(results, ids);
    for (const id of ids) {
      const result = results.get(id)!;
      expectThat(result.status === 'done', `operation ${id} was not written: ${describeResult(result)} (the test batch must be valid for the sandbox)`);
      expectThat(typeof result.recordId === 'string' && result.recordId !== '', `operation ${id} is done without a recordId`);
      recordIds.set(id, result.recordId);
    }
    return `${ids.length} results, one per operation id, each with its record id`;
  });
  const notWritten = 'not checked: the batch write failed';

  if (!written) verdicts.fail('idempotency', notWritten);
  else await verdicts.run('idempotency', async () => {
    expectThat(batch.operation === 'upsert' && batch.matchKey, 'the test batch must be an upsert with a matchKey: only a keyed write can be idempotent');
    const before = await sandbox.stats();
    const results = await client.write(batch);
    keyedByOperationId(results, ids);
    const after = await sandbox.stats();
    for (const id of ids) {
      const result = results.get(id)!;
      expectThat(result.status === 'done', `writing the same batch again failed for ${id}: ${describeResult(result)}`);
      expectThat(result.recordId === recordIds.get(id), `writing the same batch again gave ${id} a different record (${recordIds.get(id)} then ${result.recordId})`);
    }
    expectThat(JSON.stringify(after.records) === JSON.stringify(before.records), `writing the same batch again changed the sandbox's records: ${JSON.stringify(before.records)} → ${JSON.stringify(after.records)}`);
    return 'the same batch twice: same records, record counts unchanged';
  });

  for (const [fault, expected] of Object.entries(options.faults)) await checkFault(verdicts, definition, config, client, sandbox, batch, fault, expected);
  if (Object.keys(options.faults).length === 0) verdicts.fail('classify', 'no faults given: list each error the sandbox can inject with its expected class');

  const expiry = options.sessionExpiry ?? { expireSessions: true };
  if (expiry === false) verdicts.skip('session-expiry', 'the sandbox cannot expire sessions');
  else await verdicts.run('session-expiry', async () => {
    await sandbox.faults(expiry);
    try {
      const results = await client.write(batch);
      keyedByOperationId(results, ids);
      for (const id of ids) expectThat(results.get(id)!.status === 'done', `after the session expired, ${id} came back ${describeResult(results.get(id)!)}: the connector must log in again and replay`);
    } finally {
      await sandbox.faults({});
    }
    return 'expired session renewed; the batch written';
  });

  await checkLookups(verdicts, client, sandbox, batch, written ? recordIds : undefined);
}

async function checkFault<C>(verdicts: Verdicts, definition: DestinationDefinition<C>, config: C, client: DestinationClient, sandbox: SandboxControl, batch: WriteBatch, fault: string, expected: ErrorClass['kind']): Promise<void> {
  await verdicts.run(`classify.${fault}`, async () => {
    await sandbox.faults({ errors: { [fault]: 1 } });
    let results: Map<string, WriteResult>;
    try {
      results = await client.write(batch);
    } finally {
      await sandbox.faults({});
    }
    keyedByOperationId(results, batch.operations.map((op) => op.id));
    // A per-record fault (a row lock) may hit only some records of the call: the rest are written.
    expectThat([...results.values()].some((r) => r.status !== 'done'), `fault ${fault}: every operation came back done, expected ${expected} (is the fault known to the sandbox?)`);
    for (const [id, result] of results) {
      if (result.status === 'done') continue;
      expectThat(result.status === expected, `fault ${fault}: operation ${id} came back ${describeResult(result)}, expected ${expected}`);
      if (result.status === 'rate-limited') expectThat(result.retryAfterMs > 0, `fault ${fault}: rate-limited without a wait (retryAfterMs ${result.retryAfterMs})`);
      const again = definition.classify(result.error, { config, ...(batch.matchKey === undefined ? {} : { matchKey: batch.matchKey }) });
      expectThat(again.kind === expected, `fault ${fault}: classify(${JSON.stringify(result.error.code)}) says ${again.kind}, expected ${expected}: classify must agree with the results`);
    }
    return `every operation ${expected}${expected === 'rate-limited' ? ' with its wait' : ''}`;
  });
}

async function checkLookups(verdicts: Verdicts, client: DestinationClient, sandbox: SandboxControl, batch: WriteBatch, recordIds: Map<string, string> | undefined): Promise<void> {
  const field = batch.matchKey;
  const values = batch.operations.map((op) => ({ id: op.id, value: op.matchValue ?? (field === undefined ? undefined : stringValue(op.fields[field])) }));
  const absent = `parley-conformance-absent-${randomUUID()}`;
  const pending = !recordIds ? 'not checked: the batch write failed' : !field || values.some((v) => v.value === undefined) ? 'the test batch has no match values to look up' : undefined;
  for (const contract of ['lookup', 'lookup-many'] as const) {
    const method = contract === 'lookup' ? client.lookup : client.lookupMany;
    if (!method) { verdicts.skip(contract, `the client has no ${contract === 'lookup' ? 'lookup' : 'lookupMany'}`); continue; }
    if (pending) { verdicts.fail(contract, pending); continue; }
    await verdicts.run(contract, async () => {
      if (contract === 'lookup') {
        const first = values[0]!;
        const found = await client.lookup!(batch.object, field!, first.value!);
        expectThat(found === recordIds!.get(first.id), `lookup(${batch.object}.${field} = ${first.value}) answered ${found}, expected ${recordIds!.get(first.id)}`);
        expectThat(await client.lookup!(batch.object, field!, absent) === undefined, 'lookup of a value no record has answered an id');
        return 'found the written record; nothing for an absent value';
      }
      const before = await sandbox.stats();
      const found = await client.lookupMany!(batch.object, field!, [...values.map((v) => v.value!), absent]);
      const after = await sandbox.stats();
      for (const v of values) expectThat(found.get(v.value!) === recordIds!.get(v.id), `lookupMany answered ${found.get(v.value!)} for ${v.value}, expected ${recordIds!.get(v.id)}`);
      expectThat(!found.has(absent), 'lookupMany answered an id for a value no record has');
      const calls = after.totalCalls - before.totalCalls;
      const most = Math.ceil((values.length + 1) / 100);
      expectThat(calls <= most, `lookupMany of ${values.length + 1} values took ${calls} calls: batched look-ups take at most one call per 100 values (${most})`);
      return `${values.length + 1} values in ${calls} call(s)`;
    });
  }
}

/** Results must be keyed by operation id: exactly one per operation, no other keys. */
function keyedByOperationId(results: Map<string, WriteResult>, ids: string[]): void {
  expectThat(results instanceof Map, `write() must resolve with a Map keyed by operation id, got ${Object.prototype.toString.call(results)}`);
  const missing = ids.filter((id) => !results.has(id));
  const extra = [...results.keys()].filter((key) => !ids.includes(key));
  if (missing.length > 0 || extra.length > 0) {
    throw new ContractBroken(`results are not keyed by operation id: ${missing.length} operation(s) without a result (${missing.slice(0, 3).join(', ')})${extra.length > 0 ? `, unknown keys ${extra.slice(0, 3).join(', ')}` : ''}`);
  }
}

function describeResult(result: WriteResult): string {
  return result.status === 'done' ? 'done' : `${result.status} (${result.error.code}: ${result.error.message.slice(0, 80)})`;
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
