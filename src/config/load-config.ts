import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { errors } from '../errors.ts';
import { substituteEnv } from './env-substitution.ts';
import { ParleyConfig } from './schema.ts';
import { keyedIssues, type KeyedIssue } from './zod-issues.ts';

/**
 * Reads, substitutes and validates `parley.yaml`.
 *
 * @param path absolute path of the YAML file
 * @param env variables for `${VAR}` substitution
 * @throws PARLEY_CONFIG_NOT_FOUND, PARLEY_CONFIG_UNREADABLE (YAML syntax), PARLEY_CONFIG_MISSING_VARIABLE,
 *   PARLEY_CONFIG_INVALID with `details.issues` = `[{ key, problem, line }]`
 */
export function loadConfig(path: string, env: Readonly<Record<string, string | undefined>>): ParleyConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw errors.CONFIG_NOT_FOUND({ path }, { cause });
  }
  return parseConfig(text, path, env);
}

/** As `loadConfig`, from YAML text; `path` only labels errors. */
export function parseConfig(text: string, path: string, env: Readonly<Record<string, string | undefined>>): ParleyConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    // Without prettyErrors the error has no linePos; its offset gives the line.
    const line = syntaxError.pos?.[0] === undefined ? undefined : lineCounter.linePos(syntaxError.pos[0]).line;
    throw errors.CONFIG_UNREADABLE({ path, reason: `${syntaxError.message.split('\n')[0]}${line ? ` (line ${line})` : ''}` });
  }
  const substituted = substituteEnv(document.toJS() ?? {}, env);
  // reportInput lets a wrong type be told from a missing key; the values never reach the message.
  const result = ParleyConfig.safeParse(substituted, { reportInput: true });
  if (!result.success) {
    throw errors.CONFIG_INVALID({ path, issues: withLines(keyedIssues(result.error), document, lineCounter) });
  }
  return result.data;
}

/** Adds the YAML line of each issue's key (or of its nearest parent that exists in the file). */
export function withLines(issues: KeyedIssue[], document: Document, lineCounter: LineCounter): KeyedIssue[] {
  return issues.map((issue) => {
    const path = issue.key === '(root)' ? [] : issue.key.split('.');
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), true);
      if (isNode(node) && node.range) return { ...issue, line: lineCounter.linePos(node.range[0]).line };
    }
    return issue;
  });
}

/** Renders a config error for a terminal: one line per issue, no stack trace. */
export function describeConfigIssues(issues: KeyedIssue[]): string {
  return issues.map((i) => `  - ${i.key}${i.line ? ` (line ${i.line})` : ''}: ${i.problem}`).join('\n');
}
