import { describe, expect, it } from 'vitest';
import type { DestinationClient, WriteResult } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import type { CompiledMapping } from '../mappings/compiled-mapping.ts';
import { connect, noteWriteResults, recordFailure, type ConnectDeps, type ConnectionPolicy } from './connection.ts';
import { createStopping } from './stopping.ts';
import { CATALOG, T0, fakeClient, recordingLogger, runtime } from './testing/fakes.ts';

// Waits of 1 s after a failure that needs a person; 1 s doubling up to 8 s for the network, and a
// jitter that takes the shortest wait (random 0: half the step).

function setup(options: { open?: () => Promise<DestinationClient>; mappings?: CompiledMapping[] } = {}) {
  const logger = recordingLogger();
  const catalogs: string[] = [];
  let now = T0;
  const policy: ConnectionPolicy = { now: () => new Date(now), random: () => 0, reconnectMs: 1_000, unreachableBaseMs: 1_000, unreachableMaxMs: 8_000, logger };
  const crm = fakeClient();
  let opened = 0;
  const stopping = createStopping();
  const deps: ConnectDeps = {
    open: async () => { opened++; return options.open ? options.open() : crm.client; },
    mappings: options.mappings ?? [], stopping, policy,
    onCatalog: (destination, catalog) => { catalogs.push(`${destination}: ${catalog.objects.length} objects`); },
  };
  return { rt: runtime({ state: 'connecting' }), deps, logger, catalogs, crm, stopping, get opened() { return opened; }, at: (ms: number) => { now = T0 + ms; } };
}

/** A mapping of SocialPost fields to `object` at destination `crm` (only what the catalog check reads). */
const mappingTo = (object: string): CompiledMapping => ({
  file: 'mappings/crm/x-post.yaml', definition: { id: 'crm-x-post', target: { destination: 'crm', object, operation: 'update' } }, fields: [], references: [],
}) as unknown as CompiledMapping;
const configRefused = errors.DESTINATION_CONFIG({ destination: 'crm', reason: 'invalid_client_id' });
const refused = errors.DESTINATION_UNREACHABLE({ destination: 'crm', host: '127.0.0.1', reason: 'connection refused', cause: 'ECONNREFUSED', sent: false });

describe('connecting a destination', () => {
  it('opens it once, reads its catalog, hands the catalog on and makes it ready', async () => {
    const s = setup();
    expect(await connect(s.rt, s.deps)).toBe(true);
    expect(await connect(s.rt, s.deps)).toBe(true);
    expect(s.opened).toBe(1);
    expect(s.rt).toMatchObject({ state: 'ready', catalog: CATALOG, failures: 0, mappingIssues: [] });
    expect(s.catalogs).toEqual(['crm: 2 objects']);
    expect(s.logger.lines).toMatchObject([{ level: 'info', message: 'destination connected', fields: { destination: 'crm', objects: 2 } }]);
  });

  it('with a mapping that does not fit the catalog: misconfigured until a restart, the misfit named', async () => {
    const s = setup({ mappings: [mappingTo('Nope'), { ...mappingTo('Nope'), definition: { id: 'other', target: { destination: 'elsewhere', object: 'Nope', operation: 'update' } } } as unknown as CompiledMapping] });
    expect(await connect(s.rt, s.deps)).toBe(false);
    expect(s.rt.state).toBe('misconfigured');
    expect(s.rt.lastError?.code).toBe(errors.MAPPING_INVALID.code);
    expect(s.rt.mappingIssues).toMatchObject([{ file: 'mappings/crm/x-post.yaml', mapping: 'crm-x-post', key: 'target.object' }]);
    expect(s.catalogs).toEqual([]);
    expect(s.logger.lines.map((l) => l.level)).toEqual(['error']);
  });

  it('refused for its settings: misconfigured, tried again after reconnectMs, logged once as an error', async () => {
    const s = setup({ open: async () => { throw configRefused; } });
    expect(await connect(s.rt, s.deps)).toBe(false);
    expect(s.rt).toMatchObject({ state: 'misconfigured', pausedUntil: T0 + 1_000, failures: 0, lastError: { code: errors.DESTINATION_CONFIG.code } });
    s.at(1_000);
    await connect(s.rt, s.deps);
    expect(s.logger.lines.map((l) => l.level)).toEqual(['error', 'debug']);
  });

  it('out of reach: unreachable, waiting longer after each failure in a row, up to the longest wait', async () => {
    const s = setup({ open: async () => { throw refused; } });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      await connect(s.rt, s.deps);
      waits.push(s.rt.pausedUntil - T0);
    }
    expect(s.rt).toMatchObject({ state: 'unreachable', failures: 6, lastError: { code: errors.DESTINATION_UNREACHABLE.code } });
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
    expect(s.logger.lines.map((l) => l.level)).toEqual(['warn', 'debug', 'debug', 'debug', 'debug', 'debug']);
  });

  it('reached after failures: ready, the failures forgotten', async () => {
    let fail = true;
    const s = setup({ open: async () => { if (fail) throw refused; return fakeClient().client; } });
    await connect(s.rt, s.deps);
    fail = false;
    expect(await connect(s.rt, s.deps)).toBe(true);
    expect(s.rt).toMatchObject({ state: 'ready', failures: 0 });
    expect(s.rt.lastError).toBeUndefined();
  });

  it('cut short by the stop: no failure recorded, and a client that connects afterwards is closed at once', async () => {
    let answer!: (client: DestinationClient) => void;
    const late = fakeClient();
    const s = setup({ open: () => new Promise<DestinationClient>((resolve) => { answer = resolve; }) });
    const connecting = connect(s.rt, s.deps);
    s.stopping.stop();
    expect(await connecting).toBe(false);
    expect(s.rt).toMatchObject({ state: 'connecting', pausedUntil: 0 });
    answer(late.client);
    // The close follows the late connect within a few turns of the event loop (no timer).
    for (let turns = 0; late.closed === 0 && turns < 100; turns++) await Promise.resolve();
    expect(late.closed).toBe(1);
    expect(s.rt.client).toBeUndefined();
  });
});

describe('what a write\'s results do to the destination', () => {
  const results = (...list: WriteResult[]) => new Map(list.map((r, i) => [`op${i}`, r]));

  it('a call the network cut off makes it unreachable, with backoff', () => {
    const s = setup();
    s.rt.state = 'ready';
    noteWriteResults(s.rt, results({ status: 'retryable', error: { code: refused.code, message: refused.message } }), s.deps.policy);
    expect(s.rt).toMatchObject({ state: 'unreachable', failures: 1, pausedUntil: T0 + 500 });
  });

  it('any answer makes an unreachable one ready again', () => {
    const s = setup();
    recordFailure(s.rt, refused, s.deps.policy);
    noteWriteResults(s.rt, results({ status: 'permanent', scope: 'record', error: { code: 'STRING_TOO_LONG', message: 'too long' } }), s.deps.policy);
    expect(s.rt).toMatchObject({ state: 'ready', failures: 0 });
    expect(s.logger.lines.at(-1)).toMatchObject({ level: 'info', message: 'destination reachable again' });
  });

  it('a rate-limited record pauses it as long as the CRM said, never shortening a pause', () => {
    const s = setup();
    s.rt.state = 'ready';
    const quota = { code: 'REQUEST_LIMIT_EXCEEDED', message: 'quota' };
    noteWriteResults(s.rt, results({ status: 'rate-limited', error: quota, retryAfterMs: 60_000 }), s.deps.policy);
    expect(s.rt.pausedUntil).toBe(T0 + 60_000);
    noteWriteResults(s.rt, results({ status: 'rate-limited', error: quota, retryAfterMs: 1_000 }), s.deps.policy);
    expect(s.rt.pausedUntil).toBe(T0 + 60_000);
    expect(s.rt.state).toBe('ready');
  });
});
