import { z } from 'zod';
import { NetworkId, identityKey, type Identity, type PersonRef } from '../../../src/connectors/index.ts';
import { NETWORK, compact, nonEmpty, personRef, profileUrl, validUrl } from './shared.ts';
import { EpochMs, fromEpochMs, fromXDate } from './time.ts';

const Count = z.number().nullish();

/**
 * An X user object as the Account Activity API nests it (tweet `user`, `favorite_events[].user`,
 * follow `source`/`target`, the DM `users` map). Profile details are loose: one that does not fit the
 * model is left out of the identity rather than failing the delivery. The id is strict.
 */
export const XUser = z.object({
  // v1.1 objects: numeric `id` (may be rounded by JSON.parse) plus `id_str`. Follow events and the
  // DM `users` map: a string `id` and no `id_str`.
  id: z.union([z.string(), z.number()]).nullish(),
  id_str: NetworkId.nullish(),
  screen_name: z.string().nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  location: z.string().nullish(),
  profile_image_url_https: z.string().nullish(),
  followers_count: Count,
  friends_count: Count,
  statuses_count: Count,
  verified: z.boolean().nullish(),
  protected: z.boolean().nullish(),
  created_at: z.string().nullish(),
  created_timestamp: z.union([z.string(), z.number()]).nullish(),
}).transform((user, ctx) => {
  const userId = user.id_str ?? (typeof user.id === 'string' && user.id !== '' ? user.id : undefined);
  if (userId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['id_str'], message: 'a user needs id_str (or a string id); a numeric id may have been rounded' });
    return z.NEVER;
  }
  return { ...user, userId };
});
export type XUser = z.output<typeof XUser>;

function count(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function createdAt(user: XUser): string | undefined {
  if (typeof user.created_at === 'string') return fromXDate(user.created_at);
  const ms = EpochMs.safeParse(user.created_timestamp);
  return ms.success ? fromEpochMs(ms.data) : undefined;
}

/**
 * A reference to the user an X user object describes, with their follower count as the payload
 * sent it: for an activity's author, so a mapping can weigh their reach from the interaction alone.
 */
export function authorRef(user: XUser): PersonRef {
  return compact({ ...personRef(user.userId, user.screen_name), followers: count(user.followers_count) });
}

/** The identity an X user object describes, observed at `observedAt` (the activity's time). */
export function toIdentity(user: XUser, observedAt: string): Identity {
  const handle = nonEmpty(user.screen_name);
  return compact({
    kind: 'identity' as const,
    network: NETWORK,
    userId: user.userId,
    key: identityKey(NETWORK, user.userId),
    handle,
    displayName: nonEmpty(user.name),
    profileUrl: handle === undefined ? undefined : profileUrl(handle),
    avatarUrl: validUrl(user.profile_image_url_https),
    followers: count(user.followers_count),
    following: count(user.friends_count),
    posts: count(user.statuses_count),
    verified: user.verified ?? undefined,
    protected: user.protected ?? undefined,
    location: nonEmpty(user.location),
    // Profile descriptions are not HTML-escaped by X (raw "&" seen in captures): kept as sent.
    bio: nonEmpty(user.description),
    createdAt: createdAt(user),
    observedAt,
  });
}
