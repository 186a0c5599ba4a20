import { z } from 'zod';

/** A network's own id, always a string: 64-bit X ids do not survive `Number`. */
export const NetworkId = z.string().min(1).max(512);

/** Network names in Parley's model (`x`, `facebook`, `instagram`, `messenger`, `linkedin`, or a listening tool's source network). */
export const Network = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a lower-case network name such as "x"');
export type Network = z.infer<typeof Network>;

/** An instant as an ISO-8601 UTC string with milliseconds (`2026-11-23T10:00:00.000Z`). */
export const Instant = z.iso.datetime({ offset: false });

/** The key of an identity: `network:userId`, e.g. `x:2244994945`. */
export const IdentityKey = z.string().regex(/^[a-z][a-z0-9-]*:.+$/, 'network:userId');

/** Builds an identity key from its parts. */
export function identityKey(network: string, userId: string): string {
  return `${network}:${userId}`;
}
