import { z } from 'zod';
import { Instant, Network, NetworkId } from './common.ts';

/**
 * A deletion at the source or a right-to-erasure request. Final: nothing about `subject` that
 * arrives after it may be written to a CRM. Descriptions (`.meta()`) are for docs/events.md.
 */
export const Erasure = z.object({
  kind: z.literal('erasure').describe('Always `erasure`.'),
  network: Network.meta({ description: 'The network the erased item or person is on.', examples: ['x'] }),
  subject: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('post').describe('What is erased: `post` (a post, comment or message was deleted, X `tweet_delete_events`), `user` (a person\'s data must go), `authorization` (the account revoked Parley\'s app, X `user_event.revoke` / `oauth.revoke`: nothing more arrives for it until it authorises again) or `reaction` (a like or reaction taken back).'),
      networkId: NetworkId.meta({ description: 'The deleted post\'s own id at the network.', examples: ['1045405559317569537'] }),
      userId: NetworkId.optional().meta({ description: 'For a post: its author\'s user id, when the network gives it. For a user or an authorization: whose.', examples: ['930524282358325248'] }),
    }),
    z.object({ type: z.literal('user'), userId: NetworkId }),
    z.object({
      type: z.literal('reaction'),
      networkId: NetworkId.meta({ description: 'For a reaction: the id of the post or comment the reaction was on.', examples: ['1234567890321_901097836652708'] }),
      userId: NetworkId.optional(),
      reaction: z.string().optional().meta({ description: 'For a reaction: which one was taken back (`like`, `love`, …).', examples: ['like'] }),
    }),
    z.object({
      type: z.literal('authorization'),
      userId: NetworkId,
      appId: NetworkId.optional().meta({ description: 'The app whose authorization was revoked.', examples: ['13090192'] }),
    }),
  ]).describe('What is erased; its fields depend on `subject.type`.'),
  reason: z.enum(['deleted', 'revoked', 'erasure-request']).meta({ description: '`deleted` at the source, authorization `revoked`, or a right-to-`erasure-request`.', examples: ['deleted'] }),
  occurredAt: Instant.meta({ description: 'When the deletion or request happened at the source.', examples: ['2015-05-21T17:09:15.593Z'] }),
}).describe('A deletion at the source (a deleted post, a user removed) or a right-to-erasure request. Final: an operation for the same item queued before it is superseded, and nothing about `subject` that arrives after it is written to a CRM.');
export type Erasure = z.infer<typeof Erasure>;
