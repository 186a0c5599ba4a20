import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** The destinations bench:deliver measures, each through its built-in sandbox. */
export type BenchDestination = 'salesforce' | 'sap-c4c' | 'oracle-cx';

/**
 * What the bench needs to know of a destination: its config block (the demo credentials of its
 * sandbox), how to make it unreachable, which sandbox calls write, and which records a tweet makes.
 */
export interface DestinationProfile {
  name: BenchDestination;
  /** As the report and the table name it. */
  label: string;
  /** `destinations.<name>` in `parley.yaml`; `unreachable`: a closed port instead of the sandbox. */
  config: (unreachable: boolean) => Record<string, unknown>;
  /** The write call, as the report names it. */
  writeCallName: string;
  /** What the write calls carry, as the report says it. */
  writes: string;
  /** How the trickle's watcher reads a post, as the report says it. */
  readBy: string;
  /** `_stats.calls` keys (`METHOD /route`) of calls that write records. */
  writeCall: RegExp;
  /** Most records one write call carries, per the connector's `limits.maxBatchSize`. */
  maxPerCall: number;
  /** The record a tweet becomes, its key field (the tweet's id_str) and the mapping that writes it. */
  post: { object: string; keyField: string; mappingId: string };
  /** The record a tweet's author becomes. */
  person: { object: string };
  /** What the backlog's records per write call counts, as the report says it (posts and persons created). */
  records: string;
  /** `_stats.errors` key of a refusal for the API quota. */
  limitErrorCode: string;
}

/** A closed port on loopback: connection refused at once, as a CRM outage looks to the outbox. */
const CLOSED = 'http://127.0.0.1:9';

export const DESTINATIONS: Readonly<Record<BenchDestination, DestinationProfile>> = {
  salesforce: {
    name: 'salesforce', label: 'Salesforce',
    config: (unreachable) => ({ connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret', ...(unreachable ? { loginUrl: CLOSED } : {}) }),
    writeCallName: 'sObject Collections call', writes: 'posts, personas, PersonaId updates', readBy: 'SOQL',
    // sObject Collections creates, upserts and updates, as ../shared/acceptance/deliver-freshness counts them.
    writeCall: /^(POST|PATCH) \/composite/,
    maxPerCall: 200,
    post: { object: 'SocialPost', keyField: 'ExternalPostId', mappingId: 'sf-x-post' },
    person: { object: 'SocialPersona' },
    records: 'posts, personas, and each first post\'s PersonaId',
    limitErrorCode: 'REQUEST_LIMIT_EXCEEDED',
  },
  'sap-c4c': {
    name: 'sap-c4c', label: 'SAP C4C',
    config: (unreachable) => ({ connector: 'sap-c4c', username: 'parley-demo', password: 'parley-demo-secret', ...(unreachable ? { url: `${CLOSED}/sap/c4c/odata/v1/c4codataapi/` } : {}) }),
    writeCallName: '$batch', writes: '$batch calls of activities and profiles', readBy: 'an OData $filter query',
    // Every write goes in a `$batch` (one change set per operation); look-ups are GETs and not counted.
    writeCall: /^POST \/\$batch$/,
    // The connector's policy: ≤ 100 operations per `$batch` (../shared/reference/sap-c4c.md §4).
    maxPerCall: 100,
    post: { object: 'SocialMediaActivity', keyField: 'SocialMediaMessageID', mappingId: 'sap-social-activity' },
    person: { object: 'SocialMediaUserProfile' },
    records: 'activities and profiles, one change set each',
    // The sandbox answers a spent quota with 429 (connectors/sap-c4c/sandbox/faults.ts LIMIT_ERROR).
    limitErrorCode: 'HTTP_429',
  },
  'oracle-cx': {
    name: 'oracle-cx', label: 'Oracle CX',
    config: (unreachable) => ({ connector: 'oracle-cx', username: 'parley-demo', password: 'parley-demo-secret', ...(unreachable ? { url: CLOSED } : {}) }),
    writeCallName: 'batch POST', writes: 'batch calls of social posts and social users', readBy: 'a REST q query',
    // Every write is one batch call to the version root (../shared/reference/oracle-cx.md §4), which the
    // sandbox counts as `POST /` (connectors/oracle-cx/sandbox/plugin.ts endpointLabel); look-ups are GETs.
    writeCall: /^POST \/$/,
    // The connector's policy: ≤ 50 parts per batch (reference §4; Oracle sets no cap).
    maxPerCall: 50,
    post: { object: 'socialPosts', keyField: 'SourcePostIdPrimary', mappingId: 'oracle-social-post' },
    person: { object: 'socialUsers' },
    records: 'social posts and social users, one batch part each',
    // The sandbox answers a spent quota with 429 (connectors/oracle-cx/sandbox/faults.ts LIMIT_ERROR).
    limitErrorCode: 'HTTP_429',
  },
};

/** A destination's profile by name. @throws Error naming the known ones for any other */
export function destinationProfile(name: string): DestinationProfile {
  const profile = (DESTINATIONS as Record<string, DestinationProfile | undefined>)[name];
  if (!profile) throw new Error(`unknown bench destination "${name}" (${Object.keys(DESTINATIONS).join(', ')})`);
  return profile;
}

/** What both bench:deliver cases run: the shipped mappings, one destination's built-in sandbox, an X source. */
export interface DeliverBenchConfig {
  /** The data folder; the config is written into it. */
  dataDir: string;
  /** The file name of the config in `dataDir` (one per phase or case). */
  name: string;
  /** The project root, for the shipped `mappings/`. */
  root: string;
  /** X consumer secret the deliveries are signed with. */
  xSecret: string;
  /** An admin API key, for `/v1/outbox/stats`. */
  adminKey: string;
  destination: DestinationProfile;
  /** The destination pointed at a closed port instead of the sandbox Parley mounts. */
  unreachable?: boolean;
}

/**
 * Writes a `parley.yaml` for a bench:deliver case: the shipped mappings (absolute path: the
 * config lives in a temporary folder; the mappings of the destination not configured are skipped),
 * outbox settings left at their defaults (the freshness budget and its lingering are what the bench
 * measures), the sandbox's records in a file so that a second phase on the same data folder finds them.
 * @returns the config's absolute path
 */
export function writeDeliverConfig(options: DeliverBenchConfig): string {
  const { name } = options.destination;
  const config = {
    mappingsDir: join(options.root, 'mappings'),
    apiKeys: [{ name: 'admin', key: options.adminKey, scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: options.xSecret } },
    destinations: { [name]: options.destination.config(options.unreachable ?? false) },
    sandboxes: { [name]: { file: `${name}-sandbox.json` } },
  };
  const path = join(options.dataDir, options.name);
  writeFileSync(path, stringify(config));
  return path;
}

/** The sandbox's `GET /_stats` body (src/connectors/sandbox-kit/accounting.ts). */
export interface SandboxStats {
  totalCalls: number;
  calls: Record<string, number>;
  records: Record<string, number>;
  errors: Record<string, number>;
}

/** `GET ${base}/sandbox/<destination>/_stats`. */
export async function sandboxStats(base: string, destination: BenchDestination): Promise<SandboxStats> {
  return (await fetch(`${base}/sandbox/${destination}/_stats`)).json() as Promise<SandboxStats>;
}

/** `PUT ${base}/sandbox/<destination>/_faults` with `body`. @throws Error when it is not answered 200 */
export async function sandboxFaults(base: string, destination: BenchDestination, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${base}/sandbox/${destination}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`the sandbox's _faults answered ${response.status}`);
}

/** The destination's operations by state (`GET /v1/outbox/stats`). */
export async function outboxStats(base: string, adminKey: string, destination: BenchDestination): Promise<Record<string, number>> {
  const body = await (await fetch(`${base}/v1/outbox/stats`, { headers: { authorization: `Bearer ${adminKey}` } })).json() as { destinations: Record<string, Record<string, number>> };
  return body.destinations[destination] ?? {};
}

/** Calls since `before` whose `_stats.calls` key the destination counts as a write call. */
export function writeCalls(destination: DestinationProfile, calls: Record<string, number>, before: Record<string, number> = {}): number {
  return Object.entries(calls).filter(([k]) => destination.writeCall.test(k)).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0);
}

/** `after − before` of one key of a `_stats` count map. */
export const delta = (after: Record<string, number>, before: Record<string, number>, key: string): number => (after[key] ?? 0) - (before[key] ?? 0);

/** Parley's own count of what it sent a destination: write batches and the operations in them. */
export interface DispatchCount {
  batches: number;
  operations: number;
}

/**
 * `parley_dispatch_batch_records{destination}` from `GET ${base}/metrics`: how many write batches
 * Parley sent and how many operations they held (merged operations count once). It sees inside a
 * `$batch`, which the sandbox's `_stats` (calls, live records) does not.
 * @throws Error when /metrics does not answer 200
 */
export async function dispatchCount(base: string, destination: BenchDestination): Promise<DispatchCount> {
  const response = await fetch(`${base}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  const read = (suffix: string) => Number(new RegExp(`^parley_dispatch_batch_records_${suffix}\\{destination="${destination}"\\} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text)?.[1] ?? 0);
  return { batches: read('count'), operations: read('sum') };
}

/**
 * Stops a Parley spawned by spawnParley (test/helpers/processes.ts): SIGTERM, then waits for it to
 * exit, so that its data folder can be removed. Nothing to do when it has exited already.
 */
export async function stopParley(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
