import { createHmac, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseProfile } from '../connectors/standard/profile/load.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCatalogObject } from '../connectors/salesforce/catalog.ts';
import { jwtAssertion } from '../connectors/salesforce/jwt.ts';
import { buildDescribes } from '../connectors/salesforce/sandbox/describes.ts';
import { readEnvironment } from '../src/config/environment.ts';
import { ParleyConfig } from '../src/config/schema.ts';
import type { ObjectCatalog } from '../src/connectors/index.ts';
import { checkAgainstCatalog } from '../src/mappings/catalog-check.ts';
import { loadMappings } from '../src/mappings/load-mappings.ts';
import { start, type RunningParley } from '../src/start.ts';
import { fencedBlocks, runShell, shellCommands, urlsIn, type FencedBlock, type ShellResult } from './helpers/doc-examples.ts';
import {
  configVariables, DOCS, NOT_RUN, PROCESS_VARIABLES, read, ROOT, SAMPLE_VARIABLES, validateConfig, type NotRunEntry,
} from './helpers/doc-examples-not-run.ts';
import { signX, tweetDelivery } from './helpers/parley.ts';
import { removeTempDirs, tempDir } from './helpers/temp-dirs.ts';
import { until } from './helpers/wait.ts';

// Every example of the README and the setup guides either runs here or is checked here, so a
// newcomer who copies one gets what the text promises. YAML blocks load through the real loaders
// (a mapping through the mapping loader and the Salesforce catalog, a config through the config
// schema and the connectors' own schemas). Shell blocks run with `bash -euo pipefail` against a
// Parley started in this process with the shipped demo config (parley.yaml: demo secrets, the
// Salesforce sandbox, the shipped mappings), `localhost:3000` standing for its address; what they
// promise (a 200, a JSON body) is checked. The few that cannot run here are listed with the reason
// in test/helpers/doc-examples-not-run.ts (NOT_RUN), and checked for what can be checked without
// running them. A shell block that is neither run nor listed fails the test until someone decides
// which it is.

const KNOWN_LANGUAGES = new Set(['yaml', 'sh', 'bash', 'json', 'text']);
const SHELL = new Set(['sh', 'bash']);

const DEMO_ADMIN_KEY = 'parley-demo-admin-key';
const DEMO_X_SECRET = 'parley-demo-x-consumer-secret';
const STATES = ['connecting', 'ready', 'paused', 'misconfigured', 'unreachable'];

const blocks = DOCS.flatMap((doc) => fencedBlocks(ROOT, doc));
const shellBlocks = blocks.filter((b) => SHELL.has(b.lang));
const where = (b: FencedBlock) => `${b.doc}:${b.line}`;

// The Salesforce catalog as the sandbox describes it: what the shipped mappings are checked against.
const catalog: ObjectCatalog = { objects: [...buildDescribes().values()].map((d) => toCatalogObject(d as never)) };

// ---- The Parley the shell examples talk to.

let parley: RunningParley | undefined;
const base = () => { if (!parley) throw new Error('parley is not running'); return parley.address; };


const connectorsState = async () => {
  const answer = await fetch(`${base()}/v1/connectors`, { headers: { authorization: `Bearer ${DEMO_ADMIN_KEY}` } });
  return ((await answer.json()) as { items: Array<{ state: string }> }).items[0]?.state;
};

beforeAll(async () => {
  // The shipped demo config, as `npm start` runs it, on a free loopback port and a fresh data folder,
  // with none of the environment's variables: the demo defaults are what the examples use.
  const { environment } = readEnvironment({
    PARLEY_CONFIG: join(ROOT, 'parley.yaml'), PARLEY_DATA_DIR: tempDir('parley-readme-'),
    HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', LOG_FORMAT: 'json',
  }, ROOT, false);
  parley = await start(environment);
});

afterAll(async () => {
  await parley?.stop();
  removeTempDirs();
});

// ---- Shell examples that run.

interface RunContext { block: FencedBlock; cwd: string }

interface RunEntry {
  doc: (typeof DOCS)[number];
  /** Text that only this block has. */
  id: string;
  /** Variables the block reads (besides PATH and HOME). */
  env?: () => Record<string, string>;
  /** Run it in a fresh empty folder (for examples that write files). */
  inTempDir?: boolean;
  /** What must hold before it runs (a delivery to look at). */
  before?: () => Promise<void>;
  /** What the example promises. */
  check: (result: ShellResult, context: RunContext) => void;
}

const expectStatuses = (result: ShellResult, statuses: number[]) =>
  expect(result.calls.map((c) => c.status), `curl statuses; stderr: ${result.stderr}`).toEqual(statuses);

const RUN: RunEntry[] = [
  {
    doc: 'README.md', id: 'npm run demo',
    env: () => ({ PARLEY_URL: base() }),
    check: (r) => {
      expect(r.stdout).toMatch(/sent \d+ sample deliveries and 6 tweets/);
      expect(r.stdout).toMatch(/SELECT \.\.\. FROM SocialPersona \(3\)/);
      expect(r.stdout).toMatch(/SELECT \.\.\. FROM SocialPost \(6\)/);
      // The demo config feeds all three CRMs: the same tweets in SAP C4C and Oracle CX.
      expect(r.stdout).toMatch(/SAP C4C SocialMediaActivityCollection \(6\)/);
      expect(r.stdout).toMatch(/Oracle CX socialPosts \(6\)/);
    },
  },
  {
    doc: 'README.md', id: "'http://localhost:3000/webhooks/x?crc_token=hello'",
    check: (r) => {
      expectStatuses(r, [200, 200, 200]);
      const [crc, delivery, events] = r.calls;
      expect(crc!.json).toEqual({ response_token: 'sha256=' + createHmac('sha256', DEMO_X_SECRET).update('hello').digest('base64') });
      expect(delivery!.json).toEqual({ deliveryId: expect.any(String) });
      expect(events!.json.items.some((e: any) => e.source === 'x' && e.data?.activity === 'follow' && e.data?.author?.userId === '42')).toBe(true);
    },
  },
  {
    doc: 'README.md', id: 'http://localhost:3000/v1/connectors',
    // The sandbox is on this same server: the destination gets to `ready` by itself.
    before: async () => { await until('the salesforce destination to be ready', async () => ((await connectorsState()) === 'ready' ? true : undefined)); },
    check: (r) => {
      expectStatuses(r, [200]);
      expect(r.calls[0]!.json.items).toEqual([
        expect.objectContaining({ id: 'salesforce', connector: 'salesforce', state: 'ready', action: expect.any(String) }),
        expect.objectContaining({ id: 'sap-c4c', connector: 'sap-c4c', state: expect.any(String), action: expect.any(String) }),
        expect.objectContaining({ id: 'oracle-cx', connector: 'oracle-cx', state: expect.any(String), action: expect.any(String) }),
      ]);
    },
  },
  {
    doc: 'README.md', id: 'SocialMediaActivityCollection?$format=json&$top=5&$inlinecount=allpages',
    check: (r) => {
      expectStatuses(r, [200]);
      const body = r.calls[0]!.json;
      expect(Array.isArray(body.d.results)).toBe(true);
      expect(typeof body.d.__count).toBe('string');
    },
  },
  {
    doc: 'README.md', id: 'socialPosts?onlyData=true&limit=5',
    check: (r) => {
      expectStatuses(r, [200]);
      const body = r.calls[0]!.json;
      expect(Array.isArray(body.items)).toBe(true);
      expect(typeof body.hasMore).toBe('boolean');
      expect(body.limit).toBe(5);
    },
  },
  {
    doc: 'README.md', id: 'openssl rand -hex 24',
    check: (r) => expect(r.stdout).toMatch(/^[0-9a-f]{48}\n$/),
  },
  {
    doc: 'README.md', id: 'localhost:3000/sandbox/salesforce/services/oauth2/token',
    check: (r) => {
      expectStatuses(r, [200, 200]);
      const query = r.calls[1]!.json;
      expect(query).toMatchObject({ done: true, records: expect.any(Array) });
      expect(query.totalSize).toBe(query.records.length);
    },
  },
  {
    doc: 'docs/setup-salesforce.md', id: 'openssl req -x509 -newkey rsa:2048',
    inTempDir: true,
    check: (r, { cwd }) => {
      // A key Parley's JWT bearer flow signs with, and the certificate that verifies it.
      const key = readFileSync(join(cwd, 'parley-salesforce.key'), 'utf8');
      const certificate = new X509Certificate(readFileSync(join(cwd, 'parley-salesforce.crt')));
      expect(certificate.subject).toContain('CN=parley-salesforce');
      const jwt = jwtAssertion({ clientId: 'c', username: 'u@example.com', audience: 'https://login.salesforce.com' }, key, Date.now());
      const [header, payload, signature] = jwt.split('.') as [string, string, string];
      expect(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPublicKey(certificate.publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(signature, 'base64url'))).toBe(true);
      expect(r.code).toBe(0);
    },
  },
  {
    doc: 'docs/setup-salesforce.md', id: 'sobjects/$object/describe',
    env: () => ({ SALESFORCE_LOGIN_URL: `${base()}/sandbox/salesforce`, SALESFORCE_CLIENT_ID: 'parley-demo', SALESFORCE_CLIENT_SECRET: 'parley-demo-secret' }),
    check: (r) => {
      expectStatuses(r, [200, 200, 200]);
      const [login, ...fields] = r.stdout.trim().split('\n');
      expect(JSON.parse(login!)).toMatchObject({ access_token: '(hidden)', instance_url: `${base()}/sandbox/salesforce` });
      // The sandbox describes them as the reference's real org does: no External IDs.
      expect(fields).toEqual([
        'SocialPersona.ExternalId externalId=false idLookup=false',
        'SocialPost.ExternalPostId externalId=false idLookup=false',
      ]);
    },
  },
  {
    doc: 'docs/setup-salesforce.md', id: '"$PARLEY_URL/v1/connectors"',
    env: () => ({ PARLEY_URL: base(), PARLEY_ADMIN_KEY: DEMO_ADMIN_KEY }),
    check: (r) => {
      expectStatuses(r, [200]);
      for (const item of r.calls[0]!.json.items) {
        expect(STATES).toContain(item.state);
        expect(item.action).toEqual(expect.any(String));
      }
    },
  },
  {
    doc: 'docs/setup-x.md', id: '"$PARLEY_URL/webhooks/x?crc_token=hello"',
    env: () => ({ PARLEY_URL: base(), X_CONSUMER_SECRET: DEMO_X_SECRET }),
    check: (r) => {
      expectStatuses(r, [200]);
      const [answer, expected] = r.stdout.trim().split('\n');
      expect(JSON.parse(answer!)).toEqual({ response_token: `sha256=${expected}` });
    },
  },
  {
    doc: 'docs/setup-x.md', id: '"$PARLEY_URL/v1/events?source=x&limit=5"',
    env: () => ({ PARLEY_URL: base(), PARLEY_ADMIN_KEY: DEMO_ADMIN_KEY }),
    before: async () => {
      const body = tweetDelivery(9001);
      const answer = await fetch(`${base()}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signX(DEMO_X_SECRET, body) }, body });
      expect(answer.status).toBe(200);
    },
    check: (r) => {
      expectStatuses(r, [200, 200]);
      const events = r.calls[0]!.json.items as Array<{ source: string }>;
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.source === 'x')).toBe(true);
      expect(r.stdout).toMatch(/^parley_intake_accepted_total\{source="x"[^}]*\} [1-9]/m);
    },
  },
];

// ---- The tests.

/** The one entry a shell block matches, or a message saying why there is not exactly one. */
function entryOf(block: FencedBlock): { run?: RunEntry; notRun?: NotRunEntry; problem?: string } {
  const commands = shellCommands(block.text);
  const runs = RUN.filter((e) => e.doc === block.doc && block.text.includes(e.id));
  const notRuns = NOT_RUN.filter((e) => e.doc === block.doc && isDeepStrictEqual(e.commands, commands));
  if (runs.length + notRuns.length === 1) return { ...(runs[0] ? { run: runs[0] } : {}), ...(notRuns[0] ? { notRun: notRuns[0] } : {}) };
  if (runs.length + notRuns.length === 0) {
    return { problem: `${where(block)}: a shell example that is neither run (RUN) nor listed as not run (NOT_RUN in test/helpers/doc-examples-not-run.ts); decide which. Its commands: ${JSON.stringify(commands)}` };
  }
  return { problem: `${where(block)}: matches several entries of RUN (test/readme-examples.test.ts) and NOT_RUN (test/helpers/doc-examples-not-run.ts)` };
}

describe('the examples of the README and the setup guides', () => {
  it('every fenced block says its language, one this test knows', () => {
    for (const block of blocks) expect(KNOWN_LANGUAGES.has(block.lang), `${where(block)}: a block of language "${block.lang}"`).toBe(true);
    expect(shellBlocks.length).toBeGreaterThan(0);
  });

  it('every shell example is run or listed as not run, and every entry of those lists is used', () => {
    const problems = shellBlocks.map(entryOf).flatMap((m) => (m.problem ? [m.problem] : []));
    expect(problems).toEqual([]);
    const used = new Set(shellBlocks.map((b) => entryOf(b)).flatMap((m) => [m.run, m.notRun]).filter(Boolean));
    for (const entry of [...RUN, ...NOT_RUN]) expect(used.has(entry), `an entry that matches no block: ${JSON.stringify('id' in entry ? entry.id : entry.commands)}`).toBe(true);
  });

  describe('YAML', () => {
    for (const block of blocks.filter((b) => b.lang === 'yaml')) {
      it(`${where(block)} loads`, async () => {
        const value = parseYaml(block.text) as unknown;
        expect(value && typeof value === 'object' && !Array.isArray(value), 'a YAML mapping').toBe(true);
        const tree = value as Record<string, unknown>;
        if ('id' in tree && 'target' in tree) return expectMappingLoads(block, tree);
        const configKeys = Object.keys(ParleyConfig.shape);
        // A fragment first: it may well use only top-level keys (`sources:` with one key of a block).
        if (/^#.*\bfragment\b/i.test(block.text)) {
          // A marked fragment of parley.yaml: merged into the shipped one, the whole must still load.
          const merged = mergeInto(parseYaml(read('parley.yaml')), tree);
          const { stringify } = await import('yaml');
          await validateConfig(stringify(merged), where(block), SAMPLE_VARIABLES);
          return;
        }
        if (Object.keys(tree).every((k) => configKeys.includes(k))) {
          await validateConfig(block.text, where(block), SAMPLE_VARIABLES);
          return;
        }
        if (/^#.*\bpayload profile\b/i.test(block.text)) {
          // A Standard Webhooks payload profile: it must load as the standard source loads one.
          expect(() => parseProfile(block.text, where(block), 'doc-example'), where(block)).not.toThrow();
          return;
        }
        throw new Error(`${where(block)}: neither a mapping (id, target), a parley.yaml (top-level keys ${configKeys.join(', ')}), a payload profile ("# payload profile …" first) nor marked as a fragment ("# fragment …" first)`);
      });
    }
  });

  it('JSON examples parse', () => {
    for (const block of blocks.filter((b) => b.lang === 'json')) expect(() => JSON.parse(block.text), where(block)).not.toThrow();
  });

  describe('shell examples that run', () => {
    for (const block of shellBlocks) {
      const { run } = entryOf(block);
      if (!run) continue;
      it(`${where(block)} (${run.id})`, async () => {
        const script = block.text.replaceAll('http://localhost:3000', base()).replaceAll('localhost:3000', new URL(base()).host);
        // Only this test's Parley is called.
        for (const url of urlsIn(script)) expect(url.startsWith(base()), `${where(block)} would call ${url}`).toBe(true);
        await run.before?.();
        const cwd = run.inTempDir ? tempDir('parley-readme-run-') : ROOT;
        const result = await runShell(script, {
          cwd, timeoutMs: 60_000,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? cwd, LANG: 'C.UTF-8', npm_config_update_notifier: 'false', ...run.env?.() },
        });
        expect(result.code, `${where(block)} exited with ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
        run.check(result, { block, cwd });
      }, 90_000);
    }
  });

  describe('shell examples that do not run here', () => {
    for (const block of shellBlocks) {
      const { notRun } = entryOf(block);
      if (!notRun) continue;
      it(`${where(block)}: not run, because ${notRun.because}`, async () => {
        await notRun.check(shellCommands(block.text));
      });
    }
  });

  it('the README\'s table of environment variables has every variable Parley reads, and only those', () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('| Environment variable |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    const documented = new Map(rows.map((row) => {
      const [, name, defaults] = row.split('|').map((cell) => cell.trim());
      return [name!.replace(/`/g, ''), defaults!] as const;
    }));
    const demo = configVariables('parley.yaml');
    const production = configVariables('parley.production.yaml');
    const everyVariable = new Set([...demo.keys(), ...production.keys(), ...PROCESS_VARIABLES]);
    for (const name of everyVariable) expect(documented.has(name), `${name} is read but not in the README's table`).toBe(true);
    for (const name of documented.keys()) expect(name === '<NAME>_FILE' || everyVariable.has(name), `${name} is in the README's table but nothing reads it`).toBe(true);
    // "production: **required**" exactly for what parley.production.yaml reads without a default.
    for (const [name, defaults] of documented) {
      const required = production.has(name) && production.get(name) === undefined;
      expect(defaults.includes('production: **required**'), `${name}: required in production is ${required}`).toBe(required);
    }
  });

  it('the links of the README and the guides lead to files and headings that exist', () => {
    for (const doc of DOCS) {
      for (const [, target] of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path ? join(dirname(join(ROOT, doc)), path) : join(ROOT, doc);
        expect(existsSync(file), `${doc}: ${target}`).toBe(true);
        if (anchor) expect(headingAnchors(readFileSync(file, 'utf8')), `${doc}: ${target}`).toContain(anchor);
      }
    }
  });

  it('setup-salesforce.md lists exactly the fields the shipped mappings write, and which mappings write them', () => {
    const guide = read('docs/setup-salesforce.md');
    const mappings = loadMappings(join(ROOT, 'mappings')).filter((m) => m.definition.target.destination === 'salesforce');
    const objects = [...new Set(mappings.map((m) => m.definition.target.object))];
    expect(objects.sort()).toEqual(['Case', 'SocialPersona', 'SocialPost']);
    for (const object of objects) {
      const row = guide.split('\n').find((line) => line.startsWith(`| \`${object}\` |`));
      expect(row, `a row for ${object}`).toBeDefined();
      const [, , writtenBy, fields] = row!.split('|').map((cell) => cell.trim());
      const names = (cell: string) => [...cell.matchAll(/`([A-Za-z-]+)`/g)].map((m) => m[1]!);
      const own = mappings.filter((m) => m.definition.target.object === object);
      expect(new Set(names(fields!))).toEqual(new Set(own.flatMap((m) => [...m.fields.map((f) => f.name), ...m.references.map((r) => r.name)])));
      expect(own.map((m) => m.definition.id).every((id) => names(writtenBy!).includes(id)), `${object}: written by ${own.map((m) => m.definition.id).join(', ')}`).toBe(true);
    }
  });
});

/** The anchors GitHub gives a Markdown file's headings (outside code blocks). */
function headingAnchors(markdown: string): string[] {
  const anchors: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) { fence = fence ? undefined : marker; continue; }
    const heading = fence ? undefined : /^#{1,6}\s+(.*?)\s*#*$/.exec(line)?.[1];
    if (heading) anchors.push(heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return anchors;
}

// ---- YAML helpers.

/**
 * A mapping example loads through the mapping loader from `<dir>/<destination>/<id>.yaml`, fits the
 * Salesforce catalog, and, when it shows a shipped mapping, says what that file says.
 */
function expectMappingLoads(block: FencedBlock, tree: Record<string, unknown>) {
  const target = tree.target as { destination: string };
  const dir = tempDir('parley-readme-mapping-');
  mkdirSync(join(dir, target.destination));
  writeFileSync(join(dir, target.destination, `${String(tree.id)}.yaml`), block.text);
  const [mapping, ...more] = loadMappings(dir);
  expect(more).toEqual([]);
  if (target.destination === 'salesforce') expect(checkAgainstCatalog(mapping!, catalog), where(block)).toEqual([]);
  const shippedPath = join(ROOT, 'mappings', target.destination, `${String(tree.id)}.yaml`);
  if (!existsSync(shippedPath)) return;
  const shipped = parseYaml(readFileSync(shippedPath, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const key of ['source', 'when', 'target'] as const) expect(tree[key], `${where(block)} ${key}`).toEqual(shipped[key]);
  for (const key of ['fields', 'references'] as const) {
    for (const [name, value] of Object.entries((tree[key] ?? {}) as Record<string, unknown>)) {
      expect(value, `${where(block)} ${key}.${name} as in ${shippedPath}`).toEqual(shipped[key]?.[name]);
    }
  }
}

/** `patch` deep-merged into `base`: mappings merge, anything else replaces. */
function mergeInto(base: unknown, patch: unknown): unknown {
  if (!base || typeof base !== 'object' || Array.isArray(base) || !patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = mergeInto(out[k], v);
  return out;
}
