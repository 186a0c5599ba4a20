import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../src/config/environment.ts';
import { start, type RunningParley } from '../src/start.ts';
import { runParley } from '../src/cli/testing/fake-api.ts';
import { removeTempDirs, tempDir } from './helpers/temp-dirs.ts';

// The CLI against the real ops API (the shipped demo config, started in this process on a loopback
// port): the shapes src/cli/*.test.ts fake are the ones the routes serve. Only the routes that exist
// in this checkout are exercised; the people and erasure routes are covered by the fakes.

const ROOT = process.cwd();
const DEMO_ADMIN_KEY = 'parley-demo-admin-key';
let parley: RunningParley | undefined;
const env = () => ({ PARLEY_URL: parley!.address, PARLEY_API_KEY: DEMO_ADMIN_KEY });

beforeAll(async () => {
  const { environment } = readEnvironment({
    PARLEY_CONFIG: join(ROOT, 'parley.yaml'), PARLEY_DATA_DIR: tempDir('parley-cli-'),
    HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', LOG_FORMAT: 'json',
  }, ROOT, false);
  parley = await start(environment);
});

afterAll(async () => {
  await parley?.stop();
  removeTempDirs();
});

describe('parley resync against the real API', () => {
  it('create (idempotent), --wait, list, show and cancel', async () => {
    const created = await runParley(['resync', 'create', '--network', 'x', '--since', '2026-01-01', '--destinations', 'salesforce', '--idempotency-key', 'cli-1', '--json'], { env: env() });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const job = JSON.parse(created.stdout) as { id: string; state: string; scope: unknown };
    expect(job.scope).toEqual({ network: 'x', since: '2026-01-01T00:00:00.000Z' });
    const again = await runParley(['resync', 'create', '--network', 'x', '--since', '2026-01-01', '--destinations', 'salesforce', '--idempotency-key', 'cli-1', '--json'], { env: env() });
    expect(JSON.parse(again.stdout).id).toBe(job.id);

    const waited = await runParley(['resync', 'show', job.id, '--wait', '--json'], { env: env() });
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ id: job.id, state: 'done' });

    const listed = await runParley(['resync', 'list', '--all', '--json'], { env: env() });
    expect(JSON.parse(listed.stdout).items.map((r: { id: string }) => r.id)).toContain(job.id);
    const table = await runParley(['resync', 'list'], { env: env() });
    expect(table.stdout).toMatch(new RegExp(`^${job.id}\\s+done\\s+\\d+`, 'm'));

    const cancelled = await runParley(['resync', 'cancel', job.id], { env: env() });
    expect(cancelled).toMatchObject({ code: 0, stdout: `resync ${job.id} had already ended: done\n` });
  });

  it('prints the API\'s refusals as one line with their code', async () => {
    const refused = await runParley(['resync', 'create', '--identity', 'x:1', '--destinations', 'nowhere'], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^parley: PARLEY_API_RESYNC_INVALID: .*nowhere.*\n$/);
    const missing = await runParley(['resync', 'show', 'no-such-resync'], { env: env() });
    expect(missing).toMatchObject({ code: 1, stderr: 'parley: PARLEY_API_RESYNC_NOT_FOUND: No resync no-such-resync\n' });
    const anonymous = await runParley(['resync', 'list'], { env: { PARLEY_URL: parley!.address } });
    expect(anonymous.stderr).toMatch(/^parley: PARLEY_API_UNAUTHORIZED: /);
  });
});
