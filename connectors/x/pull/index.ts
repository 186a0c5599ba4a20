import { epochSecondsRateLimit, type SourcePull } from '../../../src/connectors/index.ts';
import type { XSourceConfig } from '../config.ts';
import { classifyXPull } from './classify.ts';
import { X_API_URL } from './config.ts';
import { readXPage } from './read.ts';
import { xPageRequest } from './request.ts';

/**
 * X's pull through X API v2 with an app-only bearer token: a user's profile (user look-up), Posts
 * (GET /2/users/:id/tweets, the most recent 3,200) and mentions (GET /2/users/:id/mentions, the
 * most recent 800). Rate limits are X's `x-rate-limit-*` headers, the reset in epoch seconds
 * (docs.x.com/x-api/fundamentals/rate-limits).
 */
export const xPull: SourcePull<XSourceConfig> = {
  kinds: ['profile', 'posts', 'mentions'],
  lookupKind: 'profile',
  unavailable: (config) => (config.pull ? undefined : 'the x source block has no pull settings (pull.bearerToken: the X app-only bearer token)'),
  account: (config) => (config.pull?.accountUserId ? { userId: config.pull.accountUserId } : undefined),
  baseUrl: (config, context) => config.pull?.apiUrl ?? context.sandboxUrl ?? X_API_URL,
  trustedDomains: ['x.com'],
  request: xPageRequest,
  read: readXPage,
  rateLimit: epochSecondsRateLimit({ limit: 'x-rate-limit-limit', remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' }),
  classify: classifyXPull,
};
