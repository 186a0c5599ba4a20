// `npm run sandboxes`: every built-in connector's sandbox alone on HOST:PORT (src/sandboxes/main.ts),
// from the compiled build in dist/, rebuilt first when a TypeScript source is newer than it (as
// scripts/start.mjs does for the service, so an edited checkout never serves stale code).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return path.endsWith('.ts') || path.endsWith('.json') ? stats.mtimeMs : 0;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

const sources = ['src', 'connectors', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(root, p));
if (!existsSync(stamp) || Math.max(...sources.map(newestMtime)) > statSync(stamp).mtimeMs) {
  let tsc;
  try { tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc'); } catch { tsc = undefined; }
  if (!tsc) {
    process.stderr.write('parley sandboxes: the build in dist/ is missing or older than the sources, and TypeScript is not installed: run `npm install`\n');
    process.exit(1);
  }
  process.stderr.write('parley sandboxes: building dist/ from the TypeScript sources…\n');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  writeFileSync(stamp, new Date().toISOString() + '\n');
}
// A signal sent to npm alone reaches only the `sh -c` between npm and this process: follow the
// parent, and stop (SIGTERM: the sandboxes write their last snapshots) once it is gone.
const parent = process.ppid;
const watchParent = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watchParent);
  process.kill(process.pid, 'SIGTERM');
}, 500);
watchParent.unref();

await import('../dist/src/sandboxes/main.js');
