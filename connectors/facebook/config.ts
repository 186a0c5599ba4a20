import type { z } from 'zod';
import { MetaSourceConfig } from '../meta/config.ts';
import { MetaPullConfig } from '../meta/pull/index.ts';

/**
 * The `facebook` source's block in `parley.yaml`: the Meta webhook keys (connectors/meta/config.ts)
 * and, for `from-source` resyncs, `pull` (a Page access token and the Page: connectors/meta/pull/config.ts).
 * Without `pull`, Facebook cannot be pulled.
 */
export const FacebookSourceConfig = MetaSourceConfig.extend({ pull: MetaPullConfig.optional() }).strict();
export type FacebookSourceConfig = z.infer<typeof FacebookSourceConfig>;
