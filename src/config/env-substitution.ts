import { errors } from '../errors.ts';

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree, after parsing, so a
 * secret holding `:` or `#` cannot change the YAML's structure. `$${` stands for a literal `${`.
 * `${VAR:-default}` uses the default when VAR is unset or empty, as the shell does.
 *
 * @throws PARLEY_CONFIG_MISSING_VARIABLE naming the key, when VAR is unset and has no default.
 */
export function substituteEnv(tree: unknown, env: Readonly<Record<string, string | undefined>>, path: string[] = []): unknown {
  if (typeof tree === 'string') return substituteString(tree, env, path);
  if (Array.isArray(tree)) return tree.map((item, i) => substituteEnv(item, env, [...path, String(i)]));
  if (tree !== null && typeof tree === 'object') {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, substituteEnv(v, env, [...path, k])]));
  }
  return tree;
}

function substituteString(value: string, env: Readonly<Record<string, string | undefined>>, path: string[]): string {
  return value.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const set = env[name];
    if (set !== undefined && (set !== '' || fallback === undefined)) return set;
    if (fallback !== undefined) return fallback;
    throw errors.CONFIG_MISSING_VARIABLE({ key: path.join('.') || '(root)', variable: name });
  });
}
