import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { errors } from '../errors.ts';
import { variableAt } from './config-variables.ts';
import { substituteEnv } from './env-substitution.ts';
import { ParleyConfig } from './schema.ts';
import { yamlKeyFinder } from './yaml-lines.ts';
import { keyedIssues, type KeyedIssue, type LineOf } from './zod-issues.ts';

/** A validated config and what is known about the file it came from. */
export interface LoadedConfig {
  config: ParleyConfig;
  /** The file's path (or label), for messages. */
  path: string;
  /** The YAML line of a dotted key, for issues found after loading (connector blocks, mappingsDir). */
  lineOf: LineOf;
  /** True when the file sets the key itself, rather than leaving it to its default. */
  has(key: string): boolean;
  /** The parsed YAML before `${VAR}` substitution: which variable a value came from. */
  raw: unknown;
  /** The environment variable a dotted key's value came from, if it is `${NAME}` in the file. */
  variableOf(key: string): string | undefined;
}

/**
 * Reads, substitutes and validates `parley.yaml`.
 *
 * @param path absolute path of the YAML file
 * @param env variables for `${VAR}` substitution (and `VAR_FILE` secrets)
 * @throws PARLEY_CONFIG_NOT_FOUND, PARLEY_CONFIG_UNREADABLE (YAML syntax), PARLEY_CONFIG_MISSING_VARIABLE,
 *   PARLEY_CONFIG_VARIABLE_CONFLICT, PARLEY_CONFIG_SECRET_FILE_UNREADABLE,
 *   PARLEY_CONFIG_INVALID with `details.issues` = `[{ key, problem, line, suggestion? }]`
 */
export function loadConfig(path: string, env: Readonly<Record<string, string | undefined>>): ParleyConfig {
  return readConfig(path, env).config;
}

/** As `loadConfig`, keeping the file's line lookup for checks made later (the connector registries'). */
export function readConfig(path: string, env: Readonly<Record<string, string | undefined>>): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
    throw errors.CONFIG_NOT_FOUND({ path, reason }, { cause });
  }
  return parseConfigDocument(text, path, env);
}

/** As `loadConfig`, from YAML text; `path` only labels errors. */
export function parseConfig(text: string, path: string, env: Readonly<Record<string, string | undefined>>): ParleyConfig {
  return parseConfigDocument(text, path, env).config;
}

/** As `readConfig`, from YAML text; `path` only labels errors. */
export function parseConfigDocument(text: string, path: string, env: Readonly<Record<string, string | undefined>>): LoadedConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    // Without prettyErrors the error has no linePos; its offset gives the line.
    const line = syntaxError.pos?.[0] === undefined ? undefined : lineCounter.linePos(syntaxError.pos[0]).line;
    throw errors.CONFIG_UNREADABLE({ path, reason: `${syntaxError.message.split('\n')[0]}${line ? ` (line ${line})` : ''}` });
  }
  const { lineOf, has } = yamlKeyFinder(document, lineCounter);
  const raw: unknown = document.toJS() ?? {};
  // An alias inside itself (`a: &x [*x]`) makes a cycle no config can mean; walking it would never end.
  if (hasCycle(raw)) throw errors.CONFIG_UNREADABLE({ path, reason: 'a YAML alias refers to the node that contains it' });
  const variableOf = (key: string) => variableAt(raw, key.split('.'));
  const substituted = substituteEnv(raw, env, { path, lineOf });
  // reportInput lets a wrong type be told from a missing key; the values never reach the message.
  const result = ParleyConfig.safeParse(substituted, { reportInput: true });
  if (!result.success) {
    throw errors.CONFIG_INVALID({ path, issues: keyedIssues(result.error, [], { schema: ParleyConfig, lineOf, variableOf }) });
  }
  return { config: result.data, path, lineOf, has, raw, variableOf };
}

/** Adds the YAML line of each issue's key (or of its nearest parent that exists in the file). */
export function withLines(issues: KeyedIssue[], document: Document, lineCounter: LineCounter): KeyedIssue[] {
  const { lineOf } = yamlKeyFinder(document, lineCounter);
  return issues.map((issue) => {
    const line = lineOf(issue.key);
    return line === undefined ? issue : { ...issue, line };
  });
}

/** Renders a config error for a terminal: one line per issue, no stack trace. */
export function describeConfigIssues(issues: KeyedIssue[]): string {
  return issues.map((i) => `  - ${i.key}${i.line ? ` (line ${i.line})` : ''}: ${i.problem}`).join('\n');
}

/**
 * The lines a start-up error's details add under its message: each config issue, or each missing
 * variable with the key that uses it. Empty when the message says it all.
 */
export function describeStartupDetails(details: Record<string, unknown>): string {
  const { issues, variables } = details as { issues?: KeyedIssue[]; variables?: Array<{ variable: string; key: string; line?: number }> };
  const lines: string[] = [];
  if (Array.isArray(issues)) lines.push(describeConfigIssues(issues));
  if (Array.isArray(variables)) lines.push(...variables.map((v) => `  - ${v.variable} (used by ${v.key}${v.line ? `, line ${v.line}` : ''})`));
  return lines.filter((l) => l !== '').map((l) => `${l}\n`).join('');
}

/** True when a parsed YAML tree refers back to one of its own ancestors (a recursive alias). */
function hasCycle(node: unknown, ancestors = new Set<object>()): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (ancestors.has(node)) return true;
  ancestors.add(node);
  const cyclic = Object.values(node).some((child) => hasCycle(child, ancestors));
  ancestors.delete(node);
  return cyclic;
}
