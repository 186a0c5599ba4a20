import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readEnvironment } from '../src/config/environment.ts';
import { start } from '../src/start.ts';
import { startParley } from './helpers/parley.ts';

describe('start-up', () => {
  it('a port already in use is a clear error, not a crash', async () => {
    const first = await startParley();
    try {
      const port = new URL(first.base).port;
      const dataDir = mkdtempSync(join(tmpdir(), 'parley-port-'));
      const configPath = join(dataDir, 'parley.yaml');
      writeFileSync(configPath, stringify({ sources: { x: { consumerSecret: 'a-secret-for-this-test' } } }));
      const { environment } = readEnvironment({ PORT: port, HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: configPath, LOG_LEVEL: 'silent' });
      const error = await start(environment).then(async (p) => { await p.stop(); return undefined; }, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'PARLEY_SERVER_LISTEN_FAILED', message: `Cannot listen on 127.0.0.1:${port}: the port is already in use` });
    } finally {
      await first.stop();
    }
  });
});
