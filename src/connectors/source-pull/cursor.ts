/**
 * A pull's resumable position: which kind it is at, the vendor's token for that kind's next page,
 * and what it learnt of the subject (the user id a look-up found). Opaque to callers: base64url
 * JSON, checked when read back, so a job killed mid-pull continues where its last page ended.
 */
import { z } from 'zod';
import { errors } from '../../errors.ts';
import type { PullSubject } from './types.ts';

/** Where a pull stands. `kinds` is the plan (look-up first when needed); `index` the kind now pulled. */
export interface PullPosition {
  kinds: string[];
  /** Kinds whose events are handed out (a look-up only for the user id is pulled but not handed out). */
  wanted: string[];
  index: number;
  pageToken?: string;
  subject: PullSubject;
}

const Position = z.object({
  v: z.literal(1),
  kinds: z.array(z.string().min(1)).max(16),
  wanted: z.array(z.string().min(1)).max(16),
  index: z.number().int().min(0),
  pageToken: z.string().min(1).max(2048).optional(),
  subject: z.object({ userId: z.string().min(1).max(64).optional(), handle: z.string().min(1).max(64).optional() }).strict(),
}).strict().refine((p) => p.index <= p.kinds.length, 'index past the plan');

/** The cursor of a position. */
export function encodeCursor(position: PullPosition): string {
  return Buffer.from(JSON.stringify({ v: 1, ...position }), 'utf8').toString('base64url');
}

/**
 * The position a cursor names; its kinds must be among `known`.
 * @throws ParleyError PARLEY_PULL_BAD_CURSOR
 */
export function decodeCursor(cursor: string, source: string, known: readonly string[]): PullPosition {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw errors.PULL_BAD_CURSOR({ source });
  }
  const parsed = Position.safeParse(raw);
  if (!parsed.success || !parsed.data.kinds.every((kind) => known.includes(kind))) throw errors.PULL_BAD_CURSOR({ source });
  const { kinds, wanted, index, pageToken, subject } = parsed.data;
  return { kinds, wanted, index, ...(pageToken ? { pageToken } : {}), subject: { ...subject } };
}
