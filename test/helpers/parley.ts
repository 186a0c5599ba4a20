import { createHmac, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readEnvironment } from '../../src/config/environment.ts';
import { start, type RunningParley } from '../../src/start.ts';

export interface TestParley {
  base: string;
  adminKey: string;
  secret: string;
  dataDir: string;
  parley: RunningParley;
  /** Stops it and removes its data folder, unless `keepData` (to start again on it: `startParley({ dataDir })`). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Overrides merged into the test config (server, intake, extra apiKeys, source x settings). */
export interface TestConfig {
  server?: Record<string, unknown>;
  intake?: Record<string, unknown>;
  apiKeys?: Array<{ name: string; key: string; scope: string }>;
  x?: Record<string, unknown>;
  /** More source blocks beside `x` (`{ facebook: { connector: 'facebook', appSecret: '…', verifyToken: '…' } }`). */
  sources?: Record<string, unknown>;
  destinations?: Record<string, unknown>;
  sandboxes?: Record<string, unknown>;
  /** Any other top-level config keys (`mappingsDir`). */
  extra?: Record<string, unknown>;
  /** Start on this data folder (one an earlier run stopped with `keepData`) instead of a fresh one. */
  dataDir?: string;
  /**
   * Destinations whose catalog the data folder already keeps, as if they had connected before (the
   * Salesforce sandbox's, test/fixtures/catalogs/salesforce.json): their events are planned even
   * while they cannot be reached. Without it, planning waits for a destination's first connect.
   */
  keptCatalogs?: string[];
}

/** Starts the whole service in this process on a free port, with a fresh data folder (unless given) and random secrets. */
export async function startParley(overrides: TestConfig = {}): Promise<TestParley> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  for (const destination of overrides.keptCatalogs ?? []) {
    mkdirSync(join(dataDir, 'catalogs'), { recursive: true });
    copyFileSync(join(import.meta.dirname, '..', 'fixtures', 'catalogs', 'salesforce.json'), join(dataDir, 'catalogs', `${destination}.json`));
  }
  const adminKey = 'test-admin-' + randomBytes(8).toString('hex');
  const secret = 'test-x-' + randomBytes(8).toString('hex');
  const config = {
    server: { requestTimeoutMs: 5000, ...overrides.server },
    intake: { ...overrides.intake },
    apiKeys: [{ name: 'admin', key: '${PARLEY_ADMIN_KEY}', scope: 'admin' }, ...(overrides.apiKeys ?? [])],
    sources: { x: { connector: 'x', consumerSecret: '${X_CONSUMER_SECRET}', ...overrides.x }, ...overrides.sources },
    ...(overrides.destinations ? { destinations: overrides.destinations } : {}),
    ...(overrides.sandboxes ? { sandboxes: overrides.sandboxes } : {}),
    ...overrides.extra,
  };
  const configPath = join(dataDir, 'parley.yaml');
  writeFileSync(configPath, stringify(config));
  const { environment } = readEnvironment({
    PORT: '0', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: configPath,
    PARLEY_ADMIN_KEY: adminKey, X_CONSUMER_SECRET: secret, LOG_LEVEL: 'silent',
  });
  const parley = await start(environment);
  return {
    base: parley.address, adminKey, secret, dataDir, parley,
    async stop(options = {}) {
      await parley.stop();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `x-twitter-webhooks-signature` for `body`. */
export function signX(secret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('base64');
}

export async function postX(base: string, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${base}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  let json: unknown = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json: json as Record<string, any>, text };
}

export async function api(base: string, path: string, key: string | null, init: RequestInit = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(base + path, { ...init, headers });
  const text = await response.text();
  let json: unknown = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json: json as Record<string, any>, text, headers: response.headers };
}

/** Every item of a list, following nextCursor. */
export async function listAll(base: string, path: string, key: string): Promise<Array<Record<string, any>>> {
  const items: Array<Record<string, any>> = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(base, `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, key);
    if (page.status !== 200) throw new Error(`${path}: ${page.status} ${page.text}`);
    items.push(...page.json.items);
    cursor = page.json.nextCursor;
  } while (cursor);
  return items;
}

/** A synthetic tweet delivery with a unique id. */
export function tweetDelivery(i: number, userId = String(500 + (i % 7))): string {
  const id = String(1_700_000_000_000_000_000n + BigInt(i));
  return JSON.stringify({
    for_user_id: '2244994945',
    tweet_create_events: [{
      created_at: 'Mon Nov 23 10:00:00 +0000 2026', id_str: id, text: `hello ${i}`, truncated: false, in_reply_to_status_id_str: null,
      user: { id_str: userId, screen_name: `user${userId}`, name: `User ${userId}`, followers_count: 3 },
      entities: { hashtags: [], urls: [], user_mentions: [] }, timestamp_ms: '1795946400000', lang: 'en',
    }],
  });
}
