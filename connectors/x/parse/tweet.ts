import type { Interaction, ParsedEvent } from '../../../src/connectors/index.ts';
import { accountContext, activityEvents, directionOf } from './activity.ts';
import { NETWORK, compact, nonEmpty, personRef, type Scope } from './shared.ts';
import { entitiesOf, fullText, mediaOf, statusSubject, statusUrl, toAttachments, type XTweet } from './status.ts';
import { firstTime, fromEpochMs, fromXDate } from './time.ts';
import { authorRef } from './user.ts';

/** What kind of post a tweet is: retweet, then reply, quote, brand mention, plain post. */
function activityOf(tweet: XTweet, mentionsBrand: boolean): Interaction['activity'] {
  if (tweet.retweeted_status) return 'share';
  if (tweet.in_reply_to_status_id_str) return 'reply';
  if (tweet.is_quote_status && (tweet.quoted_status || tweet.quoted_status_id_str)) return 'quote';
  return mentionsBrand ? 'mention' : 'post';
}

/** The retweeted or quoted post, in full when the payload carries it. */
function subjectOf(tweet: XTweet): Interaction['subject'] {
  if (tweet.retweeted_status) return statusSubject(tweet.retweeted_status);
  if (tweet.quoted_status) return statusSubject(tweet.quoted_status);
  if (tweet.is_quote_status && tweet.quoted_status_id_str) return { networkId: tweet.quoted_status_id_str };
  return undefined;
}

/**
 * A reply names the post it answers. A tweet addressed to a user without a status
 * (`in_reply_to_user_id_str` alone) still says who it is aimed at.
 */
function inReplyToOf(tweet: XTweet): Interaction['inReplyTo'] {
  const networkId = tweet.in_reply_to_status_id_str ?? undefined;
  const userId = tweet.in_reply_to_user_id_str;
  const author = userId ? personRef(userId, tweet.in_reply_to_screen_name) : undefined;
  return networkId || author ? compact({ networkId, author }) : undefined;
}

/** A nonempty array, else undefined. */
function some<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/**
 * One `tweet_create_events` item: the tweet as a post/reply/quote/share/mention interaction, plus
 * identities for its author and the authors of the retweeted and quoted statuses.
 */
export function parseTweet(tweet: XTweet, scope: Scope): ParsedEvent[] {
  const key = `tweet:${tweet.id_str}`;
  const entities = entitiesOf(tweet);
  const mentions = (entities?.user_mentions ?? []).map((mention) => personRef(mention.id_str, mention.screen_name));
  const mentionsBrand = scope.brand !== undefined && mentions.some((mention) => mention.userId === scope.brand);
  const occurredAt = firstTime(
    scope.receivedAt,
    tweet.timestamp_ms == null ? undefined : fromEpochMs(tweet.timestamp_ms),
    tweet.created_at == null ? undefined : fromXDate(tweet.created_at),
  );
  const language = nonEmpty(tweet.lang);
  const interaction: Interaction = compact({
    kind: 'interaction' as const,
    network: NETWORK,
    networkId: tweet.id_str,
    activity: activityOf(tweet, mentionsBrand),
    direction: directionOf(tweet.user.userId, scope.brand),
    author: authorRef(tweet.user),
    // A retweet's own `text` is the truncated `RT @user: …` stub: the canonical text is what was shared, in full.
    text: fullText(tweet.retweeted_status ?? tweet),
    url: statusUrl(tweet),
    occurredAt,
    inReplyTo: inReplyToOf(tweet),
    subject: subjectOf(tweet),
    mentions: some(mentions),
    hashtags: some((entities?.hashtags ?? []).map((hashtag) => hashtag.text)),
    attachments: some(toAttachments(mediaOf(tweet))),
    // `und`: X could not tell the language.
    language: language === 'und' ? undefined : language,
    context: accountContext(scope.brand),
  });
  return activityEvents(key, interaction, [tweet.user, tweet.retweeted_status?.user, tweet.quoted_status?.user], scope);
}
