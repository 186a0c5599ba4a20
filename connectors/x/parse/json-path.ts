import type { z } from 'zod';
import { PayloadError } from '../../../src/connectors/index.ts';

/** A zod issue path as a JSON path: `tweet_create_events[0].user`, `users["3001969357"].id_str`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => {
    if (typeof part === 'number') return `[${part}]`;
    const name = String(part);
    if (/^[A-Za-z_$][\w$]*$/.test(name)) return index === 0 ? name : `.${name}`;
    return `[${JSON.stringify(name)}]`;
  }).join('');
}

/**
 * The PayloadError for a failed zod parse: the first problem, where it is (`prefix` + the issue's
 * path), and how many more there are.
 */
export function payloadErrorOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): PayloadError {
  const [issue] = error.issues;
  const path = jsonPath([...prefix, ...(issue?.path ?? [])]);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return new PayloadError(`malformed X payload at ${path || 'the top level'}: ${issue?.message ?? 'invalid'}${more}`, path || undefined);
}
