import type { SourcePull } from '../../../src/connectors/index.ts';
import { graphPull, instagramSettings } from '../../meta/pull/index.ts';
import type { InstagramSourceConfig } from '../config.ts';
import { instagramGraph } from './read.ts';

/**
 * Instagram's pull: the comments (and their replies) on a professional account's media through the
 * Graph API (connectors/meta/pull), read into the events the `comments` webhook gives the same
 * comments. Not pulled: @mentions (`/{ig-user-id}/tags` and `mentioned_comment` look-ups need the
 * ids a mention webhook brings) and direct messages (the Conversations API: another permission).
 */
export const instagramPull: SourcePull<InstagramSourceConfig> = graphPull<InstagramSourceConfig>({
  source: 'instagram', settings: (config) => (config.pull ? instagramSettings(config.pull) : undefined), network: instagramGraph,
});
