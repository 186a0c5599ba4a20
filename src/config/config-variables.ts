/**
 * `NAME` when the raw (unsubstituted) config value at `path` is exactly `${NAME}` or
 * `${NAME:-default}`: which environment variable a value came from, so a message about the value
 * can name what the operator must set.
 * @param raw the parsed YAML before substitution
 * @param path the key's parts (`['destinations', 'salesforce', 'clientSecret']`)
 */
export function variableAt(raw: unknown, path: readonly string[]): string | undefined {
  let node = raw;
  for (const part of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  const match = typeof node === 'string' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/.exec(node.trim()) : null;
  return match?.[1];
}
