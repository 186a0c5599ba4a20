import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { CatalogObject, ObjectCatalog } from '../../connectors/destination.ts';
import { checkMappingFiles, listMappingFiles } from '../../mappings/load-mappings.ts';
import type { MappingCheckProblem } from '../../mappings/mapping-problem.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../io.ts';
import { cell } from '../render.ts';

// `parley mappings check`: the checks Parley makes when it loads mappings, made here, without a
// server, a config or a CRM, so that users run them in their own CI. Unlike the other commands it
// is not an API client: it reads the files and runs the same pure check (checkMappingText).
// A CRM's catalog comes from a saved file (`--catalog`), since no CRM is called.

/** The commands that work on local files only: the API's options (`--url`) are not checked for them. */
const localCommands = new WeakSet<Command>();

/** True for a command that never calls the API (so a bad PARLEY_URL must not stop it). */
export function isLocalCommand(command: Command): boolean {
  return localCommands.has(command);
}

interface CheckOptions { dir: string; catalog?: string[] }

/** Adds `mappings check` to `program`. */
export function addMappingsCommands(program: Command, context: CliContext): void {
  const mappings = program.command('mappings').description('check mapping files before they run: works offline, with no server and no config');

  const check = mappings.command('check').argument('[files...]', 'mapping files (or folders laid out as mappings/<destination>/<id>.yaml); default: every file under --dir')
    .description('check mapping files: YAML, settings, expressions, event fields and, with --catalog, the CRM\'s objects and fields. Prints file:line:column  mapping  problem; exit 1 on any problem')
    .option('--dir <folder>', 'the mappings folder: checked when no file is named, and where a file\'s folder names its destination', 'mappings')
    .option('--catalog <file.json>', 'a saved catalog, { "<destination>": { "objects": [...] } } (or one destination\'s, named <destination>.json); repeatable', collect)
    .action((files: string[], options: CheckOptions, command: Command) => {
      // Printed by commander as a usage error (exit 2): the command line, not a mapping, is wrong.
      const usage = (message: string): never => command.error(`error: ${message}`, { exitCode: EXIT.usage, code: 'parley.usage' });
      const catalogs = readCatalogs(options.catalog ?? [], usage);
      const entries = files.length === 0 ? filesUnder(options.dir, usage) : files.flatMap((f) => (isFolder(f) ? filesUnder(f, usage) : [fileEntry(f, options.dir)]));
      if (entries.length === 0) {
        context.io.stderr(`parley: no mapping files in ${cell(files.length === 0 ? options.dir : files.join(', '))} (they are <folder>/<destination>/<id>.yaml)\n`);
        context.fail(EXIT.failed);
        return;
      }
      const result = checkMappingFiles(entries.flatMap((e) => (e.text === undefined ? [] : [{ ...e, text: e.text }])), { catalogs });
      const problems = [...entries.flatMap((e) => e.unreadable ?? []), ...result.problems];
      const summary = { files: entries.length, mappings: result.mappings.length, catalogs: [...catalogs.keys()], problems };
      context.print(command, { ok: problems.length === 0, ...summary }, () => describeCheck(summary));
      if (problems.length > 0) context.fail(EXIT.failed);
    });
  localCommands.add(mappings).add(check);
}

/** A file to check: its label, its text (none when unreadable, then its problem), its place's id and destination. */
interface Entry { file: string; text?: string; expected?: { id: string; destination?: string }; unreadable?: MappingCheckProblem }

const label = (path: string) => relative(process.cwd(), resolve(path)) || path;
const idOf = (path: string) => basename(path).replace(/\.ya?ml$/, '');

function isFolder(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}

/** Every mapping file under a mappings folder, as loadMappings finds them. */
function filesUnder(root: string, usage: (message: string) => never): Entry[] {
  if (!existsSync(root)) usage(`the folder ${root} does not exist (give --dir, or the files to check)`);
  return listMappingFiles(root).map(({ path, expected }) => read(path, expected));
}

/**
 * A file named on the command line. Its name is its id; inside `dir` as `<destination>/<id>.yaml`,
 * its folder is its destination, as when Parley loads it. Elsewhere the destination is not checked.
 */
function fileEntry(path: string, dir: string): Entry {
  const inside = relative(resolve(dir), resolve(path)).split(sep);
  const destination = inside.length === 2 && inside[0] !== '..' ? inside[0] : undefined;
  return read(path, { id: idOf(path), ...(destination ? { destination } : {}) });
}

function read(path: string, expected: Entry['expected']): Entry {
  const file = label(path);
  try {
    return { file, text: readFileSync(path, 'utf8'), ...(expected ? { expected } : {}) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? 'unknown error'})`;
    return { file, unreadable: { file, line: 1, column: 1, mappingId: idOf(path), key: '(file)', message: `the file ${why}` } };
  }
}

/**
 * The catalogs in the `--catalog` files, by destination. A file is either `{ "<destination>":
 * catalog, … }`, or one catalog (`{ "objects": [...] }`, as Parley keeps them in
 * `<dataDir>/catalogs/<destination>.json`) whose file name is its destination.
 * A file that cannot be read or holds no catalog is a usage error.
 */
function readCatalogs(files: readonly string[], usage: (message: string) => never): Map<string, ObjectCatalog> {
  const catalogs = new Map<string, ObjectCatalog>();
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (error) {
      usage(`--catalog ${file} ${error instanceof SyntaxError ? 'is not JSON' : 'cannot be read'} (${(error as Error).message})`);
    }
    const entries = isCatalog(parsed) ? [[basename(file).replace(/\.json$/, ''), parsed] as const]
      : parsed !== null && typeof parsed === 'object' ? Object.entries(parsed) : [];
    if (entries.length === 0) usage(`--catalog ${file} holds no catalog; expected { "<destination>": { "objects": [...] } }`);
    for (const [destination, catalog] of entries) {
      if (!isCatalog(catalog)) usage(`--catalog ${file}: "${destination}" is not a catalog; expected { "objects": [{ "name": ..., "fields": [...] }, ...] }`);
      catalogs.set(destination, catalog);
    }
  }
  return catalogs;
}

function isCatalog(value: unknown): value is ObjectCatalog {
  const objects = (value as { objects?: unknown } | null)?.objects;
  return Array.isArray(objects) && objects.every((o: Partial<CatalogObject> | null) => typeof o?.name === 'string' && Array.isArray(o.fields));
}

/** The human report: one line per problem (`file:line:column  mapping  message`), then a summary line. */
function describeCheck(summary: { files: number; mappings: number; catalogs: string[]; problems: MappingCheckProblem[] }): string {
  const lines = summary.problems.map((p) => `${cell(p.file)}:${p.line}:${p.column}  ${cell(p.mappingId)}  ${cell(p.message)}`);
  const files = `${summary.files} mapping file${summary.files === 1 ? '' : 's'}`;
  const against = summary.catalogs.length > 0 ? `against the catalog of ${summary.catalogs.join(', ')}` : 'without a catalog (--catalog checks objects and fields)';
  const failed = new Set(summary.problems.map((p) => p.file)).size;
  lines.push(summary.problems.length === 0
    ? `${files} checked ${against}: no problems`
    : `${summary.problems.length} problem${summary.problems.length === 1 ? '' : 's'} in ${failed} of ${files}, checked ${against}`);
  return `${lines.join('\n')}\n`;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
