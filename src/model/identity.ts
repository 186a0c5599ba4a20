import { z } from 'zod';
import { IdentityKey, Instant, Network, NetworkId } from './common.ts';

// Descriptions and examples (`.meta()`) are what docs/events.md shows mapping authors:
// `npm run events-doc` regenerates it, and test/events-doc.test.ts fails when it is stale.

/**
 * What one activity told us about one person on one network: a profile observation.
 * Later observations of the same `key` refresh earlier ones; counts are as of `observedAt`.
 */
export const Identity = z.object({
  kind: z.literal('identity').describe('Always `identity`.'),
  network: Network.meta({ description: 'The network the person is on.', examples: ['x'] }),
  userId: NetworkId.meta({ description: 'The network\'s user id (X `id_str`, a Meta PSID/ASID, a LinkedIn member URN), unchanged.', examples: ['219826253'] }),
  key: IdentityKey.meta({ description: '`network:userId`: the identity\'s key, the one interactions give as `author.key`.', examples: ['x:219826253'] }),
  handle: z.string().optional().meta({ description: 'The @handle without the `@` (X `screen_name`), when the network has one.', examples: ['medenhofer'] }),
  displayName: z.string().optional().meta({ description: 'The name the person shows on their profile.', examples: ['Martin Edenhofer'] }),
  profileUrl: z.url().optional().meta({ description: 'The profile\'s web address.', examples: ['https://x.com/medenhofer'] }),
  avatarUrl: z.url().optional().meta({ description: 'The profile picture\'s address.', examples: ['https://pbs.twimg.com/profile_images/794220000450150401/D-eFg44R_normal.jpg'] }),
  followers: z.number().int().nonnegative().optional().meta({ description: 'How many accounts follow this one, as of `observedAt`.', examples: [310] }),
  following: z.number().int().nonnegative().optional().meta({ description: 'How many accounts this one follows, as of `observedAt`.', examples: [314] }),
  posts: z.number().int().nonnegative().optional().meta({ description: 'How many posts the account has made (X `statuses_count`), as of `observedAt`.', examples: [225] }),
  verified: z.boolean().optional().meta({ description: 'The network marks the account as verified.', examples: [false] }),
  protected: z.boolean().optional().meta({ description: 'The account is protected/private at the network.', examples: [false] }),
  email: z.string().optional().meta({ description: 'An e-mail address, when the network shares one (X never does in webhooks).', examples: ['martin@example.com'] }),
  emailVerified: z.boolean().optional().meta({ description: '`true` when the source vouches that the person proved they own `email` (a verified address): the evidence that links identities automatically. Absent when the source does not say.', examples: [true] }),
  location: z.string().optional().meta({ description: 'The location as the person wrote it on their profile (free text).', examples: ['Berlin'] }),
  bio: z.string().optional().meta({ description: 'The profile\'s description, entities decoded.', examples: ['Open Source professional and geek.'] }),
  createdAt: Instant.optional().meta({ description: 'When the account was created at the network.', examples: ['2010-11-26T00:19:49.000Z'] }),
  partial: z.boolean().optional().meta({ description: '`true` when the event carries only what changed (an X `profile.update.*`): a field it lacks is unknown, not empty, so a mapping should update only what is there.', examples: [true] }),
  observedAt: Instant.meta({ description: 'When the activity that carried this profile happened.', examples: ['2018-11-21T00:13:13.153Z'] }),
}).describe('What one activity told us about one person on one network: a profile observation. Later observations of the same `key` refresh earlier ones; counts are as of `observedAt`.');
export type Identity = z.infer<typeof Identity>;
