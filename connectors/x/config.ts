import { z } from 'zod';
import { XPullConfig } from './pull/config.ts';

/**
 * The `x` source's block in `parley.yaml`.
 * The consumer secret is the X app's API secret: it keys both the CRC answer and the delivery signature.
 */
export const XSourceConfig = z.object({
  consumerSecret: z.string().min(1, 'the X app consumer secret (X_CONSUMER_SECRET) is required'),
  /** The secret being rotated out; accepted for deliveries until removed (`X_CONSUMER_SECRET_PREVIOUS`). */
  consumerSecretPrevious: z.string().optional().transform((v) => (v === '' ? undefined : v)),
  /** X API v2 access for `from-source` resyncs (connectors/x/pull); without it, X cannot be pulled. */
  pull: XPullConfig.optional(),
}).strict();
export type XSourceConfig = z.infer<typeof XSourceConfig>;
