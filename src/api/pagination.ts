import { z } from 'zod';
import { errors } from '../errors.ts';

/** Default and largest page size (ARCHITECTURE.md: `?limit=` 1–500, default 100, larger clamped). */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;

/** `?limit=` and `?cursor=`, shared by every list. */
export const PageQuery = {
  limit: z.string().regex(/^\d+$/, 'a whole number from 1 to 500').optional()
    .transform((v) => (v === undefined ? DEFAULT_LIMIT : Math.min(Number(v), MAX_LIMIT)))
    .refine((n) => n >= 1, 'a whole number from 1 to 500')
    .describe('page size, 1–500 (default 100; larger values are clamped to 500)'),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
};

/** The list envelope: `{ items, nextCursor }`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Wraps a store's `next` token in a cursor tied to one list, so a cursor from another list is refused. */
export function encodeCursor(list: string, next: string | null): string | null {
  return next === null ? null : Buffer.from(`${list}:${next}`).toString('base64url');
}

/**
 * @returns the store token inside `cursor`, or undefined when there is none
 * @throws PARLEY_API_BAD_CURSOR when the cursor was not issued by this list
 */
export function decodeCursor(list: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${list}:`;
  if (!text.startsWith(prefix) || !/^\d{1,18}$/.test(text.slice(prefix.length))) throw errors.API_BAD_CURSOR({ cursor });
  return text.slice(prefix.length);
}
