import { z } from 'zod';
import { NetworkId, type Interaction } from '../../../src/connectors/index.ts';
import { compact, nonEmpty, personRef, validUrl } from './shared.ts';
import { decodeText } from './text.ts';
import { EpochMs, XDate } from './time.ts';
import { XUser } from './user.ts';

type Attachment = NonNullable<Interaction['attachments']>[number];

/** A media entity (tweet `entities.media`/`extended_entities.media`, DM `attachment.media`). */
export const XMedia = z.object({
  id_str: NetworkId.nullish(),
  type: z.string().nullish(),
  media_url_https: z.string().nullish(),
});
export type XMedia = z.infer<typeof XMedia>;

const XEntities = z.object({
  hashtags: z.array(z.object({ text: z.string() })).nullish(),
  user_mentions: z.array(z.object({ id_str: NetworkId, screen_name: z.string().nullish() })).nullish(),
  media: z.array(XMedia).nullish(),
});
const XExtendedEntities = z.object({ media: z.array(XMedia).nullish() });

const statusShape = {
  id_str: NetworkId,
  text: z.string().nullish(),
  user: XUser,
  created_at: XDate.nullish(),
  timestamp_ms: EpochMs.nullish(),
  lang: z.string().nullish(),
  entities: XEntities.nullish(),
  extended_entities: XExtendedEntities.nullish(),
  // Truncated (`truncated: true`) and long tweets: the real text and entities live here.
  extended_tweet: z.object({
    full_text: z.string(),
    entities: XEntities.nullish(),
    extended_entities: XExtendedEntities.nullish(),
  }).nullish(),
  in_reply_to_status_id_str: NetworkId.nullish(),
  in_reply_to_user_id_str: NetworkId.nullish(),
  in_reply_to_screen_name: z.string().nullish(),
  is_quote_status: z.boolean().nullish(),
  quoted_status_id_str: NetworkId.nullish(),
};

/** A v1.1 status nested in another (retweeted, quoted, favorited): no further nesting is read. */
export const XStatus = z.object(statusShape);
export type XStatus = z.infer<typeof XStatus>;

/** A v1.1 tweet as `tweet_create_events` carries it. */
export const XTweet = z.object({
  ...statusShape,
  retweeted_status: XStatus.nullish(),
  quoted_status: XStatus.nullish(),
});
export type XTweet = z.infer<typeof XTweet>;

/** The full text, HTML entities decoded: `extended_tweet.full_text` for truncated tweets, else `text`. */
export function fullText(status: XStatus): string | undefined {
  return nonEmpty(decodeText(status.extended_tweet?.full_text ?? status.text ?? ''));
}

/** The status's entities: those of `extended_tweet` when present (the top-level ones cover only the truncated prefix). */
export function entitiesOf(status: XStatus): z.infer<typeof XEntities> | undefined {
  return status.extended_tweet?.entities ?? status.entities ?? undefined;
}

/** The public URL of a status. */
export function statusUrl(status: XStatus): string | undefined {
  const handle = nonEmpty(status.user.screen_name);
  return validUrl(handle === undefined
    ? `https://x.com/i/web/status/${status.id_str}`
    : `https://x.com/${encodeURIComponent(handle)}/status/${status.id_str}`);
}

/** The status as an interaction's `subject`: id, author and full text. */
export function statusSubject(status: XStatus): NonNullable<Interaction['subject']> {
  return compact({ networkId: status.id_str, author: personRef(status.user.userId, status.user.screen_name), text: fullText(status) });
}

const MEDIA_TYPES = new Set(['photo', 'video', 'animated_gif']);

/** Media entities as attachments. `media_url_https` is the image (a video's poster frame). */
export function toAttachments(media: readonly XMedia[]): Attachment[] {
  return media.map((item) => compact({
    type: item.type && MEDIA_TYPES.has(item.type) ? item.type as Attachment['type'] : 'other',
    url: nonEmpty(item.media_url_https),
    networkId: item.id_str ?? undefined,
  }));
}

/** The status's media: `extended_entities` lists every item (`entities.media` only the first). */
export function mediaOf(status: XStatus): XMedia[] {
  const extended = status.extended_tweet;
  return extended?.extended_entities?.media ?? extended?.entities?.media
    ?? status.extended_entities?.media ?? status.entities?.media ?? [];
}
