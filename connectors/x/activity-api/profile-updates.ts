import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PayloadError, identityKey, type Identity, type ParsedEvent } from '../../../src/connectors/index.ts';
import { jsonPath } from '../parse/json-path.ts';
import { NETWORK, compact, nonEmpty, profileUrl, validUrl } from '../parse/shared.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';

type ProfileFields = Partial<Pick<Identity, 'bio' | 'avatarUrl' | 'displayName' | 'handle' | 'profileUrl' | 'location' | 'verified'>>;
type Value = string | boolean | null | undefined;

const VERIFIED = new Set(['true', 'blue', 'business', 'government']);
const NOT_VERIFIED = new Set(['false', 'none', '']);

/**
 * What a `verified_badge` value says, when it says something: X documents only "same before /
 * after shape" and publishes no sample, so only plain readings are taken — a boolean, "true" /
 * "false", a `verified_type` (`blue`, `business`, `government`; `none` or empty = not verified).
 */
function verifiedOf(value: Value): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const reading = value.trim().toLowerCase();
  if (VERIFIED.has(reading)) return true;
  if (NOT_VERIFIED.has(reading)) return false;
  return undefined;
}

const text = (value: Value): string | undefined => (typeof value === 'string' ? nonEmpty(value) : undefined);

/**
 * The profile update types (docs.x.com/x-api/activity/introduction) and the identity field each
 * changes. `banner_picture`, `url` (a t.co link to the person's website) and `affiliate_badge` fit
 * no identity field: those changes are kept as a bare observation of the person. The changelog's
 * 2025-10-24 names `verified` and `affiliate` (reference U14) are read as today's `_badge` types.
 */
const FIELDS_OF_TYPE: ReadonlyMap<string, (after: Value) => ProfileFields> = new Map<string, (after: Value) => ProfileFields>([
  ['profile.update.bio', (after) => ({ bio: text(after) })],
  ['profile.update.profile_picture', (after) => ({ avatarUrl: validUrl(text(after)) })],
  // `screenname` is the display name; the @handle is `handle` (docs, "profile.update.screenname").
  ['profile.update.screenname', (after) => ({ displayName: text(after) })],
  ['profile.update.handle', (after) => {
    const handle = text(after)?.replace(/^@/, '');
    return { handle, profileUrl: handle === undefined ? undefined : profileUrl(handle) };
  }],
  ['profile.update.geo', (after) => ({ location: text(after) })],
  ['profile.update.verified_badge', (after) => ({ verified: verifiedOf(after) })],
  ['profile.update.verified', (after) => ({ verified: verifiedOf(after) })],
  ['profile.update.banner_picture', () => ({})],
  ['profile.update.url', () => ({})],
  ['profile.update.affiliate_badge', () => ({})],
  ['profile.update.affiliate', () => ({})],
]);

/** The event types this file parses. */
export const PROFILE_EVENT_TYPES: readonly string[] = [...FIELDS_OF_TYPE.keys()];

/** `{before, after}`: strings in the samples and the OpenAPI; a badge may plausibly be a boolean. */
const Value = z.union([z.string(), z.boolean()]).nullish();
const XaaProfileUpdate = z.object({ before: Value, after: Value });

/**
 * A profile update as a `partial` identity event for the filtered user carrying the new value, observed
 * when Parley received it (the payload has no time). The key names the change, not the delivery:
 * `profile:<user id>:<type>:<hash of before and after>`, so the same change delivered twice
 * (under two `event_uuid`s) is one event, while A→B and C→B stay two.
 */
export function parseProfileUpdate(event: ActivityEvent): ParsedEvent[] {
  const userId = event.filterUserId;
  if (userId === undefined) {
    const path = jsonPath([...event.path, 'filter', 'user_id']);
    throw new PayloadError(`malformed X payload at ${path}: a profile update names its user in filter.user_id`, path);
  }
  const { before, after } = readPayload(XaaProfileUpdate, event);
  const change = createHash('sha256').update(JSON.stringify([before ?? null, after ?? null])).digest('hex').slice(0, 32);
  const type = event.eventType.slice('profile.update.'.length);
  const identity: Identity = compact({
    kind: 'identity' as const,
    network: NETWORK,
    userId,
    key: identityKey(NETWORK, userId),
    ...FIELDS_OF_TYPE.get(event.eventType)!(after),
    // Only what changed: a field the event lacks is unknown, not empty (a mapping updates only what is there).
    partial: true,
    observedAt: event.scope.receivedAt.toISOString(),
  });
  return [{ key: `profile:${userId}:${type}:${change}`, data: identity }];
}
