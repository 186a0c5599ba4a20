import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { AUTHOR_FIELD_NAMES, FIELD_NAMES, ProfileFile, type AuthorFieldName, type FieldName } from './schema.ts';

/** A JSONata expression of a profile, compiled once; `key` names where it sits in the file (`fields.text`). */
export interface CompiledExpression {
  key: string;
  source: string;
  evaluate(input: unknown): Promise<unknown>;
}

/** A loaded, validated profile with every expression compiled: what the parser runs. */
export interface Profile {
  /** The file name without `.yaml`: what `profile:` names. */
  name: string;
  /** Where it came from, for messages (relative to the working directory when inside it). */
  file: string;
  description?: string;
  match?: CompiledExpression;
  items: CompiledExpression;
  id?: CompiledExpression;
  fields: ReadonlyMap<FieldName, CompiledExpression>;
  author: ReadonlyMap<AuthorFieldName, CompiledExpression>;
  sentiment?: { value: CompiledExpression; scale?: readonly [number, number]; labels?: ReadonlyMap<string, number> };
}

/** A profile file that cannot be used: which file, what is wrong, and where (key and 1-based line) when known. */
export class ProfileError extends Error {
  constructor(readonly file: string, readonly problem: string, readonly key?: string, readonly line?: number) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}${key === undefined ? '' : ` (${key})`}: ${problem}`);
    this.name = 'ProfileError';
  }
}

/** Profile names are file names: kebab-case, so `profile:` in parley.yaml names one without quoting. `auto` is taken. */
const PROFILE_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const PROFILE_FILE = /\.ya?ml$/;

/**
 * The folder of the built-in profiles, beside this module's folder: `npm run build` copies them
 * into `dist/` (scripts/copy-connector-data.mjs; the Docker image has dist/ only). A compiled
 * module without them beside it (a build by `tsc` alone) reads them from the source tree it was
 * built from, four folders up.
 */
export function builtInProfilesDir(): string {
  const beside = fileURLToPath(new URL('../profiles/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../../../connectors/standard/profiles/', import.meta.url));
}

/** The 1-based line of the node at a dotted key, or of its nearest parent present in the file. */
function lineOf(document: Document, counter: LineCounter, key: string): number | undefined {
  const path = key === '' ? [] : key.split('.');
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return undefined;
}

/**
 * Parses, validates and compiles one profile file's text.
 * @throws ProfileError naming the file, the key and its line: a YAML syntax error, an unknown or
 *   mistyped key, or an expression that does not compile
 */
export function parseProfile(text: string, file: string, name: string): Profile {
  if (!PROFILE_NAME.test(name) || name === 'auto') {
    throw new ProfileError(file, 'a profile file is named <name>.yaml, the name kebab-case and not "auto"');
  }
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const syntax = document.errors[0];
  if (syntax) {
    const line = syntax.pos?.[0] === undefined ? undefined : counter.linePos(syntax.pos[0]).line;
    throw new ProfileError(file, syntax.message.split('\n')[0]!, undefined, line);
  }
  const parsed = ProfileFile.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const key = [...issue.path.map(String), ...(unknown === undefined ? [] : [unknown])].join('.');
    const problem = unknown === undefined ? issue.message : `unknown key "${unknown}"`;
    throw new ProfileError(file, problem, key || undefined, lineOf(document, counter, key));
  }
  const profile = parsed.data;
  const compile = (key: string, source: string): CompiledExpression => {
    let expression: jsonata.Expression;
    try {
      expression = jsonata(source);
    } catch (error) {
      const e = error as { message?: string; position?: number };
      const at = e.position === undefined ? '' : ` (at character ${e.position})`;
      throw new ProfileError(file, `cannot compile ${JSON.stringify(source)}: ${e.message ?? String(error)}${at}`, key, lineOf(document, counter, key));
    }
    return { key, source, evaluate: (input) => expression.evaluate(input) as Promise<unknown> };
  };
  const compileAll = <K extends string>(group: string, names: readonly K[], sources: Partial<Record<K, string>>) =>
    new Map(names.flatMap((field) => {
      const source = sources[field];
      return source === undefined ? [] : [[field, compile(`${group}.${field}`, source)] as const];
    }));
  const sentiment = profile.sentiment;
  return {
    name,
    file,
    ...(profile.description === undefined ? {} : { description: profile.description }),
    ...(profile.match === undefined ? {} : { match: compile('match', profile.match) }),
    items: compile('items', profile.items),
    ...(profile.id === undefined ? {} : { id: compile('id', profile.id) }),
    fields: compileAll('fields', FIELD_NAMES, profile.fields),
    author: compileAll('author', AUTHOR_FIELD_NAMES, profile.author),
    ...(sentiment === undefined ? {} : {
      sentiment: {
        value: compile('sentiment.value', sentiment.value),
        ...('scale' in sentiment ? { scale: sentiment.scale } : {}),
        ...('labels' in sentiment ? { labels: new Map(Object.entries(sentiment.labels).map(([label, value]) => [label.toLowerCase(), value])) } : {}),
      },
    }),
  };
}

/** A path as messages show it: relative to the working directory when inside it. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/**
 * Every `<name>.yaml` (or `.yml`) in `dir`, parsed and compiled, in name order.
 * @throws ProfileError for the first file that cannot be used, or a folder that is not there
 */
export function loadProfileDir(dir: string): Profile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ProfileError(shown(dir), 'no such folder');
  return readdirSync(dir).filter((name) => PROFILE_FILE.test(name)).sort().map((name) => {
    const path = join(dir, name);
    return parseProfile(readFileSync(path, 'utf8'), shown(path), name.replace(PROFILE_FILE, ''));
  });
}

/**
 * The profiles a `standard` source can use, in the order `auto` tries them: the user's own (from
 * `userDir`, in name order), then the built-in ones. A user profile with a built-in's name replaces
 * it, so a shipped mapping can be adjusted without code.
 * @throws ProfileError
 */
export function loadProfiles(userDir?: string): Profile[] {
  const own = userDir === undefined ? [] : loadProfileDir(userDir);
  const names = new Set(own.map((profile) => profile.name));
  return [...own, ...loadProfileDir(builtInProfilesDir()).filter((profile) => !names.has(profile.name))];
}
