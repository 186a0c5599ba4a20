#!/usr/bin/env node
// `parley`, the ops CLI (src/cli/; README, "Command line (ops)"). It runs the compiled CLI in dist/
// when that is at least as new as the sources it is built from, as `npm start` runs the service;
// otherwise (a checkout being edited, or not built yet) the TypeScript sources through tsx. Unlike
// `npm start` it never rebuilds dist/ first: a whole build takes far longer than a command should.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
// What the CLI imports: its own folder and the error catalogue.
const sources = [join(root, 'src', 'cli'), join(root, 'src', 'errors.ts'), join(root, 'src', 'mappings'), join(root, 'src', 'config'), join(root, 'src', 'model')];

/** The newest modification time of the .ts files under `path` (0 when it does not exist). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return path.endsWith('.ts') ? stats.mtimeMs : 0;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

const sourcesMtime = Math.max(...sources.map(newestMtime));
if (existsSync(compiled) && sourcesMtime <= statSync(compiled).mtimeMs) {
  await import(pathToFileURL(compiled).href);
} else if (sourcesMtime === 0) {
  process.stderr.write('parley: neither dist/src/cli/main.js nor src/cli/ is here: run `npm run build`\n');
  process.exitCode = 1;
} else {
  let register;
  try { ({ register } = await import('tsx/esm/api')); } catch { register = undefined; }
  if (!register) {
    process.stderr.write('parley: dist/ is missing or older than src/cli/, and tsx is not installed: run `npm install` (or `npm run build`)\n');
    process.exitCode = 1;
  } else {
    // This project's tsconfig, not whatever one the operator's working folder has.
    register({ tsconfig: join(root, 'tsconfig.json') });
    await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
  }
}
