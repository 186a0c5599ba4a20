import { errors } from '../errors.ts';
import { variableReader } from './secret-files.ts';
import type { LineOf } from './zod-issues.ts';

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}/g;

/** A `${VAR}` that is unset and has no default, and the key that uses it. */
export interface MissingVariable { variable: string; key: string; line?: number }

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree, after parsing, so a
 * secret holding `:` or `#` cannot change the YAML's structure. `$${` stands for a literal `${`.
 * `${VAR:-default}` uses the default when VAR is unset or empty, as the shell does; `${VAR:+word}`
 * gives `word` when VAR is set and not empty, else the empty string (`enabled: ${META_APP_SECRET:+true}`
 * turns a source on exactly when its secret is given). An unset VAR
 * is read from the file `VAR_FILE` names, if set (see `variableReader`).
 *
 * @param where the config file's path and line lookup, for errors
 * @throws PARLEY_CONFIG_MISSING_VARIABLE listing every unset variable without a default (all of
 *   them, so an empty environment is fixed in one go), PARLEY_CONFIG_VARIABLE_CONFLICT,
 *   PARLEY_CONFIG_SECRET_FILE_UNREADABLE
 */
export function substituteEnv(tree: unknown, env: Readonly<Record<string, string | undefined>>, where: { path: string; lineOf?: LineOf } = { path: '(config)' }): unknown {
  const read = variableReader(env);
  const missing: MissingVariable[] = [];
  const walk = (node: unknown, path: string[]): unknown => {
    if (typeof node === 'string') return substituteString(node, path);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, String(i)]));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    return node;
  };
  const substituteString = (value: string, path: string[]): string => value.replace(REFERENCE, (whole, name: string | undefined, operator: string | undefined, word: string | undefined) => {
    if (name === undefined) return '${';
    const key = path.join('.') || '(root)';
    const line = where.lineOf?.(key);
    const set = read(name, { path: where.path, key, line });
    if (operator === '+') return set !== undefined && set !== '' ? word ?? '' : '';
    const fallback = operator === '-' ? word : undefined;
    if (set !== undefined && (set !== '' || fallback === undefined)) return set;
    if (fallback !== undefined) return fallback;
    missing.push({ variable: name, key, ...(line ? { line } : {}) });
    return whole;
  });
  const substituted = walk(tree, []);
  if (missing.length > 0) throw errors.CONFIG_MISSING_VARIABLE({ path: where.path, variables: missing });
  return substituted;
}
