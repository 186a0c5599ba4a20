import { z } from 'zod';
import type { XUser } from '../parse/user.ts';
import { XaaId } from './id.ts';

/** A profile detail of the wrong type is left out of the identity rather than failing the delivery. */
const loose = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);
const Count = loose(z.number());

const V2UserFields = z.object({
  id: XaaId,
  username: loose(z.string()),
  name: loose(z.string()),
  description: loose(z.string()),
  location: loose(z.string()),
  profile_image_url: loose(z.string()),
  verified: loose(z.boolean()),
  protected: loose(z.boolean()),
  created_at: loose(z.iso.datetime({ offset: true })),
  public_metrics: loose(z.object({ followers_count: Count, following_count: Count, tweet_count: Count })),
});

/** True for a plain (non-array) object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An X API v2 user object as the X Activity API sends it, flat (`includes.users[]` of post.create,
 * like.create) or wrapped as `{"data": {…}}` (follow `source`/`target`, the DM `users` map,
 * spaces/broadcast `user`, post.delete `includes.users[]`) — docs.x.com/x-api/activity/event-payloads,
 * and the OpenAPI `User` schema has no wrapper at all (reference U6). Read into the v1.1 user shape
 * the Account Activity parser already turns into identities (`username` → `screen_name`,
 * `public_metrics.following_count` → `friends_count`, ISO `created_at` → epoch ms), so both APIs
 * give a person the same identity.
 */
export const XaaUser = z.preprocess(
  (value) => (isObject(value) && !Object.hasOwn(value, 'id') && isObject(value.data) ? value.data : value),
  V2UserFields,
).transform((user): XUser => ({
  id: user.id,
  userId: user.id,
  screen_name: user.username,
  name: user.name,
  description: user.description,
  location: user.location,
  profile_image_url_https: user.profile_image_url,
  followers_count: user.public_metrics?.followers_count,
  friends_count: user.public_metrics?.following_count,
  statuses_count: user.public_metrics?.tweet_count,
  verified: user.verified,
  protected: user.protected,
  created_timestamp: user.created_at == null ? undefined : Date.parse(user.created_at),
}));
