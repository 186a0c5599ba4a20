import { readFileSync } from 'node:fs';
import { errors } from '../errors.ts';

/** Where a `${NAME}` reference is, for errors: the config file, the dotted key and its line. */
export interface ReferenceSite { path: string; key: string; line?: number | undefined }

/**
 * Looks variables up as container platforms provide secrets: `NAME` from the environment, or,
 * when `NAME` is unset or empty, the content of the file `NAME_FILE` names (Docker and Kubernetes
 * secrets are files), without its trailing newline. Each file is read once.
 *
 * @returns `(name, site) => value`, undefined when neither is set
 * @throws PARLEY_CONFIG_VARIABLE_CONFLICT (both set), PARLEY_CONFIG_SECRET_FILE_UNREADABLE (never the file's content)
 */
export function variableReader(env: Readonly<Record<string, string | undefined>>, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')) {
  const files = new Map<string, string>();
  return (name: string, site: ReferenceSite): string | undefined => {
    const fileVariable = `${name}_FILE`;
    const file = env[fileVariable];
    const value = env[name];
    // An empty NAME_FILE is treated as unset, as an empty NAME is by `${NAME:-default}`.
    if (!file) return value;
    const where = { path: site.path, key: site.key, ...(site.line ? { line: site.line } : {}) };
    // Two sources for one secret: whichever won, the operator would be surprised by the other.
    if (value) throw errors.CONFIG_VARIABLE_CONFLICT({ ...where, variable: name, fileVariable });
    let content = files.get(file);
    if (content === undefined) {
      try {
        content = readFile(file).replace(/(\r?\n)+$/, '');
      } catch (cause) {
        throw errors.CONFIG_SECRET_FILE_UNREADABLE({ ...where, variable: fileVariable, file, reason: describeReadError(cause) }, { cause });
      }
      files.set(file, content);
    }
    return content;
  };
}

// The reason in words of the error code; Node's own message repeats the path, and that is all.
function describeReadError(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? 'cannot be read';
}
