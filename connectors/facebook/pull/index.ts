import type { SourcePull } from '../../../src/connectors/index.ts';
import { facebookSettings, graphPull } from '../../meta/pull/index.ts';
import type { FacebookSourceConfig } from '../config.ts';
import { facebookGraph } from './read.ts';

/**
 * Facebook's pull: a Page's feed posts and the comments on them through the Graph API
 * (connectors/meta/pull), read into the events the Page `feed` webhook gives the same items.
 * Reactions are not pulled (a reaction has no id at Meta: its webhook key holds the delivery's
 * verb and time, which a pull cannot know) and neither is Messenger (the Conversations API is
 * another permission and another budget).
 */
export const facebookPull: SourcePull<FacebookSourceConfig> = graphPull<FacebookSourceConfig>({
  source: 'facebook', settings: (config) => (config.pull ? facebookSettings(config.pull) : undefined), network: facebookGraph,
});
