import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NetworkId, PayloadError, type Interaction, type ParsedEvent } from '../../../src/connectors/index.ts';
import { activityEvents } from '../parse/activity.ts';
import { jsonPath } from '../parse/json-path.ts';
import { NETWORK, compact, nonEmpty } from '../parse/shared.ts';
import { IsoDateTime, firstTime, fromIsoDateTime } from '../parse/time.ts';
import { readPayload, type ActivityEvent } from './envelope.ts';

/**
 * news.new (docs.x.com/x-api/activity/event-payloads, "news.new"): `id`, `name` (the headline),
 * `summary`, `hook`, `category`, `contexts.topics[]`, `updated_at`. The OpenAPI
 * `NewsActivityResponsePayload` instead lists `headline` and no id (reference U6): both are read.
 */
const XaaNews = z.object({
  id: NetworkId.nullish(),
  name: z.string().nullish(),
  headline: z.string().nullish(),
  summary: z.string().nullish(),
  hook: z.string().nullish(),
  contexts: z.object({ topics: z.array(z.string()).nullish() }).nullish().catch(undefined),
  updated_at: IsoDateTime.nullish().catch(undefined),
});

/**
 * A news story matching a keyword subscription as a `news` interaction: no author (a story is
 * X's summary of many posts), `title` = the headline, `text` = the summary, `topics`. Keyed
 * `news:<id>`; a story without an id (the OpenAPI shape) is named by its headline's hash.
 */
export function parseNewsEvent(event: ActivityEvent): ParsedEvent[] {
  const news = readPayload(XaaNews, event);
  const title = nonEmpty(news.name ?? news.headline);
  const networkId = news.id ?? (title === undefined ? undefined : 'sha256-' + createHash('sha256').update(title).digest('hex'));
  if (networkId === undefined) {
    const path = jsonPath([...event.path, 'payload', 'id']);
    throw new PayloadError(`malformed X payload at ${path}: a news story needs an id or a headline`, path);
  }
  const topics = (news.contexts?.topics ?? []).filter((topic) => topic !== '');
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId,
    activity: 'news' as const,
    direction: 'inbound' as const,
    title,
    text: nonEmpty(news.summary ?? news.hook),
    occurredAt: firstTime(event.scope.receivedAt, news.updated_at == null ? undefined : fromIsoDateTime(news.updated_at)),
    topics: topics.length > 0 ? topics : undefined,
  });
  return activityEvents(`news:${networkId}`, interaction, [], event.scope);
}
