// Part of `npm run build`, after Parley's own build: compiles each example connector package
// (examples/<name>/ with a tsconfig.json) with its own tsconfig, so that its package.json's
// `"default": "./dist/index.js"` exists on a fresh clone after `npm ci` and Parley running from dist/
// can load it by path (`module: ./examples/<name>`). Runs after Parley's build because an example's
// types come from `parley/sdk`, which resolves (without the `development` condition) to the
// declarations in dist/.
//
//   node scripts/build-examples.mjs            every examples/*/ with a tsconfig.json; none is fine
//   node scripts/build-examples.mjs <folder>…  those folders (a test builds its fixture this way)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkSelf } from './link-self.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The example packages under `<root>/examples`: folders with a tsconfig.json. None when the folder is missing. */
export function examplePackages(base = root) {
  const examples = join(base, 'examples');
  if (!existsSync(examples)) return [];
  return readdirSync(examples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(examples, entry.name, 'tsconfig.json')))
    .map((entry) => join(examples, entry.name));
}

/**
 * Runs this project's TypeScript compiler on `<folder>/tsconfig.json` for each folder.
 * @throws Error (tsc's exit) when one does not compile; its diagnostics are already on stderr
 */
export function buildPackages(folders) {
  if (folders.length === 0) return;
  // The examples import `parley/sdk`: the link must exist even when `npm run build` runs without `prepare`.
  linkSelf(root);
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  for (const folder of folders) {
    execFileSync(process.execPath, [tsc, '-p', join(folder, 'tsconfig.json')], { stdio: 'inherit', cwd: folder });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const named = process.argv.slice(2).map((folder) => resolve(folder));
  try {
    buildPackages(named.length > 0 ? named : examplePackages());
  } catch {
    process.exit(1);
  }
}
