import { z } from 'zod';

/**
 * Longest ids accepted. Meta's user, page and Instagram ids are at most ~20 digits; object ids
 * (`<page>_<post>`, Messenger/Instagram `mid`s, ~100–200 characters) are longer. The bounds keep
 * every event key, which may join two ids and a time, under the model's 512 characters.
 */
const MAX_PERSON_ID = 64;
const MAX_OBJECT_ID = 300;

const UNSAFE_NUMBER = 'an id sent as a JSON number above 2^53 has already lost digits (Meta sends such ids as strings)';

/**
 * A Meta id as the wire has it: a string, or (older payloads: `sender_id`, `from.id`, Messenger
 * `sender.id`) a JSON number. Normalised to a string here, at the edge. A number past 2^53 was
 * rounded by `JSON.parse` before the parser saw it: refused, never stored wrong.
 */
function metaId(max: number) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    if (typeof value === 'string') return value;
    if (Number.isSafeInteger(value) && value >= 0) return String(value);
    ctx.addIssue({ code: 'custom', message: Number.isInteger(value) && value > 0 ? UNSAFE_NUMBER : 'a numeric id must be a non-negative integer' });
    return z.NEVER;
  }).pipe(z.string().min(1).max(max));
}

/** The id of a person, Page or Instagram account (PSID, IGSID, app-scoped user id, page id). */
export const PersonId = metaId(MAX_PERSON_ID);
/** The id of a post, comment, media or message (`mid`). */
export const ObjectId = metaId(MAX_OBJECT_ID);

// Meta's docs samples and the App Dashboard's "Test" button put placeholders where ids go:
// `<PSID>`, `<PAGE_ID>`, `USER_ID`, `PSID`. Real person and page ids are digits.
const PLACEHOLDER = /^(?:<[^<>]*>|\{\{[^{}]*\}\}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)$/;

/** True for a docs placeholder where a person or page id should be (`<PSID>`, `USER_ID`). */
export function isPlaceholderId(id: string): boolean {
  return PLACEHOLDER.test(id);
}

/**
 * The `entry.id` of the App Dashboard's test notifications ("Test" button in Webhooks settings):
 * no Page or Instagram account has it.
 */
export const TEST_ENTRY_ID = '0';
