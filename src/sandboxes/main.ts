import { resolve } from 'node:path';
import { createLogger } from '../logging/logger.ts';
import { serveSandboxes } from './serve.ts';

// Entry point of `npm run sandboxes`. Environment: HOST (default 127.0.0.1), PORT (default 3001),
// PARLEY_DATA_DIR (default ./data), PARLEY_SANDBOXES_PUBLIC=true to answer other machines,
// LOG_LEVEL (default info). Listening on loopback by default, unlike the service: a sandbox's demo
// login reads every record written there and its `_faults` route changes its behaviour.
const env = process.env;
const portText = env.PORT ?? '3001';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) {
  process.stderr.write(`parley sandboxes: cannot start: PORT "${portText}" is not a TCP port (0-65535)\n`);
  process.exit(1);
}
const publicText = (env.PARLEY_SANDBOXES_PUBLIC ?? 'false').toLowerCase();
if (!['true', 'false', ''].includes(publicText)) {
  process.stderr.write(`parley sandboxes: cannot start: PARLEY_SANDBOXES_PUBLIC "${env.PARLEY_SANDBOXES_PUBLIC}" is neither true nor false\n`);
  process.exit(1);
}
const logger = createLogger(env.LOG_LEVEL || 'info');
const running = await serveSandboxes({
  host: env.HOST || '127.0.0.1', port, public: publicText === 'true',
  dataDir: resolve(env.PARLEY_DATA_DIR || './data'), logger, cwd: process.cwd(),
});
logger.info({ url: running.url, sandboxes: running.ids.map((id) => `${running.url}/sandbox/${id}`) }, 'sandboxes listening');

// Closing writes each sandbox's last snapshot (when its config keeps a file).
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    void running.app.close().then(() => process.exit(0), (error: unknown) => { logger.error({ err: error }, 'sandboxes did not close cleanly'); process.exit(1); });
  });
}
