import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** What both bench:deliver cases run: the shipped mappings, the built-in Salesforce sandbox, an X source. */
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
  /** `loginUrl` of the Salesforce destination; unset: the sandbox Parley mounts. */
  loginUrl?: string;
}

/**
 * Writes a `parley.yaml` for a bench:deliver case: the shipped mappings (absolute path: the
 * config lives in a temporary folder), outbox settings left at their defaults (the freshness budget
 * and its lingering are what the bench measures), the sandbox's records in a file so that a second
 * phase on the same data folder finds them.
 * @returns the config's absolute path
 */
export function writeDeliverConfig(options: DeliverBenchConfig): string {
  const config = {
    mappingsDir: join(options.root, 'mappings'),
    apiKeys: [{ name: 'admin', key: options.adminKey, scope: 'admin' }],
    sources: { x: { connector: 'x', consumerSecret: options.xSecret } },
    destinations: { salesforce: {
      connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret',
      ...(options.loginUrl ? { loginUrl: options.loginUrl } : {}),
    } },
    sandboxes: { salesforce: { file: 'salesforce-sandbox.json' } },
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

/** `GET ${base}/sandbox/salesforce/_stats`. */
export async function sandboxStats(base: string): Promise<SandboxStats> {
  return (await fetch(`${base}/sandbox/salesforce/_stats`)).json() as Promise<SandboxStats>;
}

/** `PUT ${base}/sandbox/salesforce/_faults` with `body`. @throws Error when it is not answered 200 */
export async function sandboxFaults(base: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${base}/sandbox/salesforce/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`the sandbox's _faults answered ${response.status}`);
}

/** The `salesforce` destination's operations by state (`GET /v1/outbox/stats`). */
export async function outboxStats(base: string, adminKey: string): Promise<Record<string, number>> {
  const body = await (await fetch(`${base}/v1/outbox/stats`, { headers: { authorization: `Bearer ${adminKey}` } })).json() as { destinations: Record<string, Record<string, number>> };
  return body.destinations.salesforce ?? {};
}

/**
 * Calls that wrote records since `before`: sObject Collections creates, upserts and updates
 * (`POST|PATCH /composite…`, as ../shared/acceptance/deliver-freshness counts them).
 */
export function writeCalls(calls: Record<string, number>, before: Record<string, number> = {}): number {
  return Object.entries(calls).filter(([k]) => /^(POST|PATCH) \/composite/.test(k)).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0);
}
