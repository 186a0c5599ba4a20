import { PayloadError, type ParseContext, type ParsedEvent } from '../../../src/connectors/index.ts';
import type { StandardSourceConfig } from '../config.ts';
import type { Profile } from '../profile/load.ts';
import { ID_HEADER } from '../verify.ts';
import { ExpressionFailure, itemEvents, readItem, run } from './item.ts';
import { keyPart } from './values.ts';

/** The profile that reads `body`: the configured one, or (auto) the first whose `match` is true. */
async function chooseProfile(body: unknown, config: StandardSourceConfig): Promise<Profile> {
  for (const profile of config.profiles) {
    if (profile.match === undefined) return profile;
    // A match that fails on this body (a type error) is a no: the next profile may fit.
    if ((await run(profile.match, body).catch(() => false)) === true) return profile;
  }
  const names = config.profiles.map((profile) => profile.name).join(', ');
  throw new PayloadError(config.auto
    ? `no payload profile matches this body (tried ${names}); add one to profilesDir`
    : `the body is not a "${names}" payload (its match is false)`);
}

/** The items `profile` finds in `body`: a list of objects; one object is a list of one. */
async function itemsOf(profile: Profile, body: unknown): Promise<object[]> {
  const items = await run(profile.items, body);
  if (items === undefined || items === null) return [];
  const list = Array.isArray(items) ? items : [items];
  if (list.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) {
    throw new PayloadError(`profile "${profile.name}": items (${profile.items.source}) gave something other than objects`, 'items');
  }
  return list as object[];
}

/**
 * Parses one Standard Webhooks delivery with the source's payload profile into canonical events
 * (see `itemEvents`). Event keys: `<profile>:<id>` when the profile names the item's own id, so
 * the same mention relayed twice is one event whatever the delivery; otherwise
 * `webhook:<webhook-id>/<item index>`, so a sender's redelivery (same `webhook-id`) is stored once.
 * The item's id wins when both are known. Returns `[]` for a body with no items (a spec
 * `example.event`).
 * @throws PayloadError when no profile fits the body, its items are not objects, or its `id` fails
 */
export async function parseDelivery(body: unknown, context: ParseContext<StandardSourceConfig>): Promise<ParsedEvent[]> {
  const config = context.config;
  if (config === undefined) throw new Error('the standard source parses with its config (ParseContext.config)');
  try {
    const profile = await chooseProfile(body, config);
    const items = await itemsOf(profile, body);
    const webhookId = context.headers?.[ID_HEADER];
    const events: ParsedEvent[] = [];
    const keys = new Set<string>();
    for (const [index, item] of items.entries()) {
      const values = await readItem(profile, item);
      let key: string;
      if (values.id !== undefined) key = `${profile.name}:${keyPart(values.id)}`;
      else if (webhookId !== undefined) key = `webhook:${webhookId}/${index}`;
      else throw new PayloadError(`item ${index} has no id (profile "${profile.name}") and the delivery no ${ID_HEADER}`, `items[${index}]`);
      // Two items with one id in one body are one item.
      for (const event of itemEvents(values, { key, network: config.network, receivedAt: context.receivedAt })) {
        if (keys.has(event.key)) continue;
        keys.add(event.key);
        events.push(event);
      }
    }
    return events;
  } catch (error) {
    if (error instanceof ExpressionFailure) throw new PayloadError(`payload profile expression ${error.key} failed: ${error.message}`, error.key);
    throw error;
  }
}
