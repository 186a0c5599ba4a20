import { z } from 'zod';
import { IdentityKey, Instant, Network, NetworkId } from './common.ts';

/**
 * What one activity told us about one person on one network: a profile observation.
 * Later observations of the same `key` refresh earlier ones; counts are as of `observedAt`.
 */
export const Identity = z.object({
  kind: z.literal('identity'),
  network: Network,
  /** The network's user id (X `id_str`, a Meta PSID/ASID, a LinkedIn member URN). */
  userId: NetworkId,
  /** `network:userId`. */
  key: IdentityKey,
  /** The @handle without the `@` (X `screen_name`), when the network has one. */
  handle: z.string().optional(),
  displayName: z.string().optional(),
  profileUrl: z.url().optional(),
  avatarUrl: z.url().optional(),
  followers: z.number().int().nonnegative().optional(),
  following: z.number().int().nonnegative().optional(),
  posts: z.number().int().nonnegative().optional(),
  verified: z.boolean().optional(),
  /** The account is protected/private at the network. */
  protected: z.boolean().optional(),
  email: z.string().optional(),
  location: z.string().optional(),
  bio: z.string().optional(),
  /** When the account was created at the network. */
  createdAt: Instant.optional(),
  /** When the activity that carried this profile happened. */
  observedAt: Instant,
});
export type Identity = z.infer<typeof Identity>;
