import { statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { errors } from '../errors.ts';
import type { LoadedConfig } from './load-config.ts';

/**
 * The absolute mappings folder: `mappingsDir`, relative to the config file unless absolute.
 *
 * A folder the config names must exist: a config copied elsewhere without its mappings would
 * otherwise run, take in events and write nothing, with no error anywhere. Left to its default,
 * a missing folder still means "no mappings yet", which is how a fresh install starts.
 *
 * @throws PARLEY_CONFIG_MAPPINGS_DIR_MISSING when the config sets `mappingsDir` and it is not a folder
 */
export function resolveMappingsDir(loaded: Pick<LoadedConfig, 'config' | 'path' | 'lineOf' | 'has'>): string {
  const { mappingsDir } = loaded.config;
  const resolved = isAbsolute(mappingsDir) ? mappingsDir : join(dirname(loaded.path), mappingsDir);
  if (loaded.has('mappingsDir') && !isFolder(resolved)) {
    const line = loaded.lineOf('mappingsDir');
    throw errors.CONFIG_MAPPINGS_DIR_MISSING({ mappingsDir, resolved, configPath: loaded.path, ...(line ? { line } : {}) });
  }
  return resolved;
}

/** A folder the config names (`rulesDir`), relative to the config file unless absolute; it need not exist. */
export function resolveFolder(loaded: Pick<LoadedConfig, 'path'>, folder: string): string {
  return isAbsolute(folder) ? folder : join(dirname(loaded.path), folder);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
