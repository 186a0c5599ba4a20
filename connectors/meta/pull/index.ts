/**
 * Meta's pull through the Graph API, shared by the Meta sources: an account's list (a Page's feed,
 * an IG user's media) and the comments under each item, paged by cursor, throttled by the usage
 * headers and the throttling error codes. A source supplies its network's facts and how its items
 * become events (`GraphNetwork`); see connectors/facebook/pull and connectors/instagram/pull.
 */
import { PayloadError, type SourcePull } from '../../../src/connectors/index.ts';
import { classifyMetaPull } from './classify.ts';
import { GRAPH_API_URL, type GraphPullSettings } from './config.ts';
import type { GraphNetwork } from './network.ts';
import { readGraphPage } from './read-page.ts';
import { graphPageRequest } from './request.ts';
import { metaRateLimit } from './usage-headers.ts';

export { MetaPullConfig, InstagramPullConfig, GRAPH_API_URL, DEFAULT_GRAPH_VERSION, facebookSettings, instagramSettings, type GraphPullSettings } from './config.ts';
export type { GraphItemsContext, GraphNetwork } from './network.ts';
export { classifyMetaPull } from './classify.ts';
export { readMetaUsage, metaRateLimit } from './usage-headers.ts';

/**
 * A Graph API pull for source `source`, whose config holds its pull block (`settings` reads it,
 * undefined when the block has none). Kinds are the network's (`posts`, `comments`); no look-up
 * kind: an account is named by its id.
 *
 * @example pull: graphPull({ source: 'facebook', settings: (c) => c.pull && facebookSettings(c.pull), network: facebookGraph })
 */
export function graphPull<C>(options: { source: string; settings: (config: C) => GraphPullSettings | undefined; network: GraphNetwork }): SourcePull<C> {
  const required = (config: C): GraphPullSettings => {
    const settings = options.settings(config);
    // A source block without `pull` (no token) cannot be pulled; see request.ts on why a PayloadError.
    if (!settings) throw new PayloadError(`source "${options.source}" has no pull block (its access token)`, 'pull');
    return settings;
  };
  return {
    kinds: [...options.network.kinds],
    account: (config) => {
      const account = options.settings(config)?.account;
      return account ? { userId: account } : undefined;
    },
    baseUrl: (config, context) => options.settings(config)?.apiUrl ?? context.sandboxUrl ?? GRAPH_API_URL,
    trustedDomains: ['facebook.com'],
    request: (page, config) => graphPageRequest(page, required(config), options.network, options.source),
    read: (page, answer, config) => readGraphPage(page, answer, required(config), options.network),
    rateLimit: metaRateLimit,
    classify: classifyMetaPull,
  };
}
