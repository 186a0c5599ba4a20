import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, waitForHealth } from './helpers/processes.ts';

// The Docker image's default config: no sandboxes, no demo secrets, every secret from the
// environment. Started without it, it names every missing variable; started with it, nothing of
// the demo is there. And the demo config says, line by line, which demo defaults it runs on.
const root = process.cwd();
const children: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Runs the service from its sources with exactly `env` (plus PATH), collecting what it prints. */
async function run(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-prod-'));
  folders.push(dataDir);
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_FORMAT: 'json', ...env },
  });
  children.push(child);
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, base: `http://127.0.0.1:${port}`, output: () => output, exited };
}

const productionVariables = {
  PARLEY_CONFIG: join(root, 'parley.production.yaml'),
  PARLEY_ADMIN_KEY: 'prod-admin-key-0123456789abcdef',
  X_CONSUMER_SECRET: 'prod-x-secret',
  // Tests call loopback only: nothing answers there, and nothing needs to for these checks.
  SALESFORCE_LOGIN_URL: 'https://127.0.0.1:9',
  SALESFORCE_CLIENT_ID: 'prod-client',
  SALESFORCE_CLIENT_SECRET: 'prod-client-secret',
};

describe('parley.production.yaml', () => {
  it('with no environment, stops start-up naming every missing variable, without a stack trace', async () => {
    const p = await run({ PARLEY_CONFIG: join(root, 'parley.production.yaml') });
    expect(await p.exited).toBe(1);
    for (const variable of ['PARLEY_ADMIN_KEY', 'X_CONSUMER_SECRET', 'SALESFORCE_LOGIN_URL', 'SALESFORCE_CLIENT_ID']) expect(p.output()).toContain(variable);
    expect(p.output()).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('refuses the documented demo secrets (demoDefaults: refuse), naming each variable', async () => {
    const p = await run({ ...productionVariables, PARLEY_ADMIN_KEY: 'parley-demo-admin-key', X_CONSUMER_SECRET: 'parley-demo-x-consumer-secret' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('PARLEY_CONFIG_DEMO_DEFAULTS');
    expect(p.output()).toContain('PARLEY_ADMIN_KEY');
    expect(p.output()).toContain('X_CONSUMER_SECRET');
  });

  it('a value the destination refuses names the variable it came from', async () => {
    const rest: Record<string, string> = { ...productionVariables };
    delete rest.SALESFORCE_CLIENT_SECRET;
    const p = await run(rest);
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/destinations\.salesforce\.clientSecret \(line \d+\): .*SALESFORCE_CLIENT_SECRET/);
  });

  it('with them set, serves no sandbox and prints no demo warning', async () => {
    const p = await run({ ...productionVariables, LOG_LEVEL: 'info' });
    await waitForHealth(p.base, p.child);
    for (const path of ['/sandbox/salesforce/_stats', '/sandbox/salesforce/services/oauth2/token']) {
      const answer = await fetch(`${p.base}${path}`);
      expect(answer.status, path).toBe(404);
    }
    const started = await new Promise<string>((resolve) => {
      const look = () => (p.output().includes('parley listening') ? resolve(p.output()) : setTimeout(look, 50));
      look();
    });
    expect(started).not.toMatch(/demo default in use/);
    expect(started).toContain('"sandboxes":[]');
  });
});

describe('a config that does nothing', () => {
  it('an empty config file stops start-up instead of serving a green /health that takes nothing in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-empty-'));
    folders.push(dir);
    writeFileSync(join(dir, 'empty.yaml'), '');
    const p = await run({ PARLEY_CONFIG: join(dir, 'empty.yaml') });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('PARLEY_CONFIG_NOTHING_TO_DO');
  });
});

describe('the demo config', () => {
  it('warns once per demo default in use, naming the variable that replaces it', async () => {
    const p = await run({ PARLEY_CONFIG: join(root, 'parley.yaml'), LOG_LEVEL: 'warn' });
    await waitForHealth(p.base, p.child);
    const warnings = await new Promise<Array<{ msg: string; key: string; replaceWith?: string }>>((resolve) => {
      const look = () => {
        const lines = p.output().split('\n').filter((l) => l.includes('demo default in use')).map((l) => JSON.parse(l) as { msg: string; key: string; replaceWith?: string });
        if (lines.length >= 10) resolve(lines); else setTimeout(look, 50);
      };
      look();
    });
    const replaceWith = warnings.map((w) => w.replaceWith);
    expect(replaceWith).toEqual(expect.arrayContaining([
      'PARLEY_ADMIN_KEY', 'X_CONSUMER_SECRET', 'SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET', 'SALESFORCE_LOGIN_URL',
      'SAP_C4C_USER and SAP_C4C_PASSWORD', 'SAP_C4C_URL', 'PARLEY_CONFIG=parley.production.yaml, or remove the block',
    ]));
    // One line per demo default (two sandboxes share the same advice, each on its own line).
    const keys = warnings.map((w) => w.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('says nothing of a demo default the environment replaced', async () => {
    const p = await run({ PARLEY_CONFIG: join(root, 'parley.yaml'), LOG_LEVEL: 'warn', PARLEY_ADMIN_KEY: 'my-own-admin-key-0123456789', X_CONSUMER_SECRET: 'my-own-x-secret' });
    await waitForHealth(p.base, p.child);
    await new Promise<void>((resolve) => { const look = () => (p.output().includes('demo default in use') ? resolve() : setTimeout(look, 50)); look(); });
    expect(p.output()).not.toContain('"replaceWith":"PARLEY_ADMIN_KEY"');
    expect(p.output()).not.toContain('"replaceWith":"X_CONSUMER_SECRET"');
  });
});
