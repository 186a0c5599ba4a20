import type { z } from 'zod';
import { MetaSourceConfig } from '../meta/config.ts';
import { InstagramPullConfig } from '../meta/pull/index.ts';

/**
 * The `instagram` source's block in `parley.yaml`: the Meta webhook keys (connectors/meta/config.ts)
 * and, for `from-source` resyncs, `pull` (an access token and the IG user id: connectors/meta/pull/config.ts).
 * Without `pull`, Instagram cannot be pulled.
 */
export const InstagramSourceConfig = MetaSourceConfig.extend({ pull: InstagramPullConfig.optional() }).strict();
export type InstagramSourceConfig = z.infer<typeof InstagramSourceConfig>;
