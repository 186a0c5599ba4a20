import { identityKey, type Activity, type Identity, type Interaction, type ParsedEvent } from '../../../src/connectors/index.ts';
import type { CompiledExpression, Profile } from '../profile/load.ts';
import { asActivity, asCount, asFlag, asHandle, asId, asInstant, asNetwork, asSentiment, asText, asTopics, asUrl, keyPart } from './values.ts';

/** What a profile read from one item, each value already usable as its canonical field. */
export interface ItemValues {
  /** The item's own id at the tool (the profile's `id`). */
  id?: string;
  networkId?: string;
  network?: string;
  /** The activity; `null` when the profile's `activity` expression named none, so the item is no interaction. */
  activity: Activity | null;
  text?: string;
  title?: string;
  url?: string;
  occurredAt?: string;
  language?: string;
  topics?: string[];
  reach?: number;
  page?: string;
  sentiment?: number;
  author: { userId?: string; handle?: string; displayName?: string; followers?: number; avatarUrl?: string; profileUrl?: string; email?: string; emailVerified?: boolean; location?: string };
}

/** An expression that failed on an item (a type error in JSONata): which one, and JSONata's message. */
export class ExpressionFailure extends Error {
  constructor(readonly key: string, message: string) {
    super(message);
  }
}

/** Runs `expression` on `input`; a JSONata error becomes an `ExpressionFailure` naming the expression's key. */
export async function run(expression: CompiledExpression, input: unknown): Promise<unknown> {
  try {
    return await expression.evaluate(input);
  } catch (error) {
    throw new ExpressionFailure(expression.key, (error as { message?: string })?.message ?? String(error));
  }
}

/** Runs an optional field expression; a failure on this item leaves the field out (the other fields still count). */
async function field(expression: CompiledExpression | undefined, item: unknown): Promise<unknown> {
  if (expression === undefined) return undefined;
  try {
    return await expression.evaluate(item);
  } catch {
    return undefined;
  }
}

/** A copy without undefined-valued keys: the model uses absent keys, not undefined. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Reads one item with a profile. A field whose expression fails on this item (a number where text
 * was expected) is left out; the item's `id` is relied on for its key, so its failure is thrown.
 * @throws ExpressionFailure when the `id` expression fails
 */
export async function readItem(profile: Profile, item: unknown): Promise<ItemValues> {
  const value = (name: Parameters<Profile['fields']['get']>[0]) => field(profile.fields.get(name), item);
  const author = (name: Parameters<Profile['author']['get']>[0]) => field(profile.author.get(name), item);
  const activityExpression = profile.fields.get('activity');
  const sentiment = profile.sentiment;
  return defined({
    id: profile.id === undefined ? undefined : asId(await run(profile.id, item)),
    networkId: asId(await value('networkId')),
    network: asNetwork(await value('network')),
    activity: activityExpression === undefined ? 'mention' : asActivity(await field(activityExpression, item)) ?? null,
    text: asText(await value('text')),
    title: asText(await value('title')),
    url: asUrl(await value('url')),
    occurredAt: asInstant(await value('occurredAt')),
    language: asText(await value('language'))?.trim(),
    topics: asTopics(await value('topics')),
    reach: asCount(await value('reach')),
    page: asText(await value('page')),
    sentiment: sentiment === undefined ? undefined : asSentiment(await field(sentiment.value, item), sentiment),
    author: defined({
      userId: asId(await author('userId')),
      handle: asHandle(await author('handle')),
      displayName: asText(await author('displayName')),
      followers: asCount(await author('followers')),
      avatarUrl: asUrl(await author('avatarUrl')),
      profileUrl: asUrl(await author('profileUrl')),
      email: asText(await author('email'))?.trim(),
      // Only a real boolean vouches for the address: a sender's "yes" or 1 is not taken as proof.
      emailVerified: asFlag(await author('emailVerified')),
      location: asText(await author('location')),
    }),
  });
}

/**
 * The events of one item: the author's identity (when the profile gives a user id), then the
 * interaction (when the item has an activity and an id: `networkId`, else its own `id`). Listening
 * tools hear other people, so every interaction is `inbound`. `network` falls back to the source's
 * `network` setting; `occurredAt` to when the delivery was received.
 */
export function itemEvents(values: ItemValues, scope: { key: string; network: string; receivedAt: Date }): ParsedEvent[] {
  const network = values.network ?? scope.network;
  const occurredAt = values.occurredAt ?? scope.receivedAt.toISOString();
  const { userId, handle, displayName, followers, avatarUrl, profileUrl, email, emailVerified, location } = values.author;
  const events: ParsedEvent[] = [];
  if (userId !== undefined) {
    const identity: Identity = defined({
      kind: 'identity' as const, network, userId, key: identityKey(network, userId), handle, displayName, profileUrl, avatarUrl, followers, email, emailVerified: email === undefined ? undefined : emailVerified, location, observedAt: occurredAt,
    });
    events.push({ key: `${scope.key}/identity:${keyPart(userId)}`, data: identity });
  }
  const networkId = values.networkId ?? values.id;
  if (values.activity !== null && networkId !== undefined) {
    const interaction: Interaction = defined({
      kind: 'interaction' as const,
      network,
      networkId,
      activity: values.activity,
      direction: 'inbound' as const,
      author: userId === undefined ? undefined : defined({ key: identityKey(network, userId), userId, handle, followers }),
      text: values.text,
      title: values.title,
      url: values.url,
      occurredAt,
      language: values.language,
      sentiment: values.sentiment,
      topics: values.topics,
      reach: values.reach,
      context: values.page === undefined ? undefined : { page: values.page },
    });
    events.push({ key: scope.key, data: interaction });
  }
  return events;
}
