import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { CliContext } from './context.ts';
import { buildProgram } from './program.ts';
import { startFakeApi, runParley, type FakeApi } from './testing/fake-api.ts';

let api: FakeApi | undefined;
afterEach(async () => { await api?.close(); api = undefined; });

/** Every command of the tree, as the words that run it (`['resync', 'create']`). */
function commandPaths(command: Command, path: string[] = []): string[][] {
  return command.commands.filter((c) => c.name() !== 'help').flatMap((c) => [[...path, c.name()], ...commandPaths(c, [...path, c.name()])]);
}

/** A loopback port nothing listens on: taken, then freed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('--help', () => {
  const noIo = { stdout: () => {}, stderr: () => {}, env: {}, stdinIsTTY: false, ask: async () => '', sleep: async () => {}, fetch: globalThis.fetch };
  const paths = commandPaths(buildProgram(new CliContext(noIo)));

  it('covers the commands the brief names', () => {
    expect(paths.map((p) => p.join(' '))).toEqual([
      'resync', 'resync create', 'resync list', 'resync show', 'resync cancel',
      'person', 'person search', 'person show', 'person link', 'person unlink',
      'erase', 'erasure', 'erasure show',
      'mappings', 'mappings check',
    ]);
  });

  it.each([[[]], ...paths.map((p) => [p])])('parley %j --help prints its usage, with the global options, on stdout (exit 0)', async (path) => {
    const run = await runParley([...path, '--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`Usage: parley${path.map((w) => ` ${w}`).join('')} `);
    expect(run.stdout).toContain('--api-key <key>');
    // Commander's help command takes one word: `parley resync help create`.
    const viaHelp = await runParley(path.length > 0 ? [...path.slice(0, -1), 'help', path.at(-1)!] : ['help']);
    expect(viaHelp.stdout).toBe(run.stdout);
  });

  it('documents the environment variables', async () => {
    const run = await runParley(['--help']);
    expect(run.stdout).toMatch(/PARLEY_URL\s.*default http:\/\/127\.0\.0\.1:3000/);
    expect(run.stdout).toMatch(/PARLEY_API_KEY\s/);
  });
});

describe('usage errors: the parser\'s message, exit 2', () => {
  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['resync'], /Usage: parley resync/],
    [['resync', 'show'], /missing required argument 'id'/],
    [['person', 'search', 'a', '--colour'], /unknown option '--colour'/],
    [['--url', 'ftp://example.com', 'resync', 'list'], /--url must be an http:\/\/ or https:\/\/ URL/],
    [['resync', 'show', 'r1', '--wait', '--interval', '0'], /--interval.*seconds/],
  ])('%j', async (argv, message) => {
    const run = await runParley(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad PARLEY_URL is named as such', async () => {
    const run = await runParley(['resync', 'list'], { env: { PARLEY_URL: 'localhost:3000' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PARLEY_URL must be/);
  });
});

describe('network and response failures: one line, exit 1', () => {
  it('a refused connection names the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runParley(['resync', 'list'], { env: { PARLEY_URL: url, PARLEY_API_KEY: 'topsecret' } });
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `parley: PARLEY_CLI_UNREACHABLE: Cannot reach Parley at ${url}: ECONNREFUSED\n` });
  });

  it('--url wins over PARLEY_URL, and the default is 127.0.0.1:3000', async () => {
    api = await startFakeApi(() => ({ status: 200, body: { items: [], nextCursor: null } }));
    const run = await runParley(['resync', 'list', '--url', api.url], { env: { PARLEY_URL: 'http://127.0.0.1:1' } });
    expect(run).toMatchObject({ code: 0, stdout: '(none)\n' });
    // Without either, 127.0.0.1:3000: seen by a fetch that sends nothing.
    const urls: string[] = [];
    const refuse = (async (url: URL | string) => { urls.push(String(url)); throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }); }) as typeof fetch;
    const fallback = await runParley(['resync', 'list', '--api-key', 'k'], { env: {}, fetch: refuse });
    expect(urls).toEqual(['http://127.0.0.1:3000/v1/resyncs']);
    expect(fallback).toMatchObject({ code: 1, stderr: 'parley: PARLEY_CLI_UNREACHABLE: Cannot reach Parley at http://127.0.0.1:3000: ECONNREFUSED\n' });
  });

  it('an answer that is not the API\'s JSON is PARLEY_CLI_BAD_RESPONSE with the status', async () => {
    api = await startFakeApi((r) => (r.path.endsWith('html') ? { status: 404, raw: '<h1>Not here</h1>' } : r.path.endsWith('moved') ? { status: 302, headers: { location: 'https://elsewhere.example/' } } : { status: 200, raw: 'not json' }));
    const notFound = await runParley(['resync', 'show', 'html', '--url', api.url]);
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toMatch(/^parley: PARLEY_CLI_BAD_RESPONSE: Parley at http:\/\/127\.0\.0\.1:\d+ answered HTTP 404 without the API's JSON: .*\n$/);
    const moved = await runParley(['resync', 'show', 'moved', '--url', api.url, '--api-key', 'k']);
    expect(moved.stderr).toMatch(/HTTP 302 .*redirect to https:\/\/elsewhere\.example\//);
    expect(api.received.filter((r) => r.path.endsWith('moved'))).toHaveLength(1);
    const garbled = await runParley(['resync', 'show', 'x', '--url', api.url]);
    expect(garbled.stderr).toMatch(/HTTP 200 .*not JSON/);
  });
});
