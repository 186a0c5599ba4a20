import type { Command } from 'commander';
import { errors } from '../errors.ts';
import type { ApiClient } from './api-client.ts';
import { parseLimit } from './arguments.ts';
import { safeText } from './render.ts';

/** A page of a list: ARCHITECTURE.md, Fixed interfaces (`{ items, nextCursor }`). */
export interface Page<T> { items: T[]; nextCursor: string | null }

/** The paging options every list command takes. */
export interface PageOptions { limit?: number; cursor?: string; all?: boolean }

/** Adds `--limit`, `--cursor` and `--all` to a list command. */
export function withPaging(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page, 1 to 500 (the server\'s default: 100)', parseLimit)
    .option('--cursor <cursor>', 'the page to start at: a nextCursor printed by an earlier call')
    .option('--all', 'follow nextCursor to the end and print every item');
}

/**
 * Reads a list: one page, or with `all` every page from `cursor` on.
 * @returns the items, and the cursor of the next page (null when there is none, always with `all`)
 * @throws the client's errors; PARLEY_CLI_BAD_RESPONSE when an answer is not `{ items: [...] }`
 */
export async function readPages<T>(
  client: ApiClient, request: { path: string; query?: Record<string, string | undefined> }, options: PageOptions,
): Promise<Page<T>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor = options.cursor;
  for (;;) {
    const { status, body } = await client.request({ method: 'GET', path: request.path, query: { ...request.query, limit: options.limit, cursor } });
    const page = body as Partial<Page<T>> | undefined;
    if (!page || !Array.isArray(page.items)) throw errors.CLI_BAD_RESPONSE({ url: client.baseUrl, status, reason: `${request.path} did not answer { items, nextCursor }` });
    items.push(...page.items);
    const next = typeof page.nextCursor === 'string' && page.nextCursor !== '' ? page.nextCursor : null;
    // A cursor seen before would loop for ever: stop there rather than trust the server blindly.
    if (!options.all || next === null || seen.has(next)) return { items, nextCursor: options.all ? null : next };
    seen.add(next);
    cursor = next;
  }
}

/** The line that tells how to read the next page (`commandLine` is the command without paging options), or nothing after the last. */
export function nextPageHint(commandLine: string, nextCursor: string | null): string {
  if (nextCursor === null) return '';
  const cursor = /^[\w.~=+/-]+$/.test(nextCursor) ? nextCursor : `'${nextCursor.replaceAll("'", "'\\''")}'`;
  return `more: ${commandLine} --cursor ${safeText(cursor)}   (or --all for every page)\n`;
}
