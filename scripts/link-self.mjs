// Part of `npm install` (the `prepare` script, before the build): makes `node_modules/parley` a link
// to this project, so that `import 'parley/sdk'` resolves from any package kept in this tree (the
// example connectors in examples/, a plugin folder next to parley.yaml) as it would in a vendor's own
// project where Parley is installed.
//
// Why a link: Node resolves a bare specifier by walking up `node_modules` folders from the importing
// file. A file of Parley's own package reaches `parley/sdk` by self-reference (its nearest
// package.json is named `parley`), but a plugin has its own package.json, so self-reference does not
// apply to it and, without this link, nothing named `parley` is found. A link (not a copy) keeps one
// module instance: Node and vitest both follow it to the real path, so a plugin's `parley/sdk` is the
// very module the core imports (dist/ under Node, the sources under vitest's `development` condition).
//
// Idempotent: a link already pointing here is left alone, one pointing elsewhere is replaced, and a
// real folder of that name (a `parley` installed from the registry) is left alone with a warning.
// Windows would need a junction; not supported here.
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Makes `<root>/node_modules/parley` a relative symbolic link to `<root>` (`..` from node_modules).
 * @param root the project's folder (default: this checkout)
 * @returns what it did: `created`, `kept` (already right), `replaced` (pointed elsewhere), `skipped` (a real folder is there)
 */
export function linkSelf(root = ROOT) {
  const link = join(root, 'node_modules', 'parley');
  let existing;
  try { existing = lstatSync(link); } catch { existing = undefined; }
  if (existing?.isSymbolicLink()) {
    if (resolve(dirname(link), readlinkSync(link)) === resolve(root)) return 'kept';
    rmSync(link);
    symlinkSync('..', link, 'dir');
    return 'replaced';
  }
  if (existing) {
    process.stderr.write(`parley: ${link} exists and is not a link to this project; left as it is (plugins here will import that copy of parley/sdk)\n`);
    return 'skipped';
  }
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync('..', link, 'dir');
  return 'created';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) linkSelf();
