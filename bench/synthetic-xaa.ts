/** The brand's account: the subscription's filter user, whom every synthetic post mentions. */
const BRAND_ID = '2244994945';

/**
 * A signed-ready X Activity API `post.mention.create` delivery of about 1.7 KB: the
 * `{"data": {event_uuid, filter, event_type, tag, payload, includes}}` envelope around a v2 Post by
 * another user that @mentions the brand, with the author in `includes.users` (x-activity-api.md
 * §2, §3.2). Unique per `i` (post id and event_uuid); authors come from a pool of 2,000. Sign it
 * with `signX`: X signs XAA deliveries as it signs Account Activity ones.
 */
export function syntheticXaaMention(i: number): Buffer {
  const id = String(2_090_000_000_000_000_000n + BigInt(i));
  const author = String(1_500_000_000_000_000_000n + BigInt(i % 2_000));
  const text = `@brand order ${i} still not here & nobody answers ☕ https://t.co/abc123`;
  return Buffer.from(JSON.stringify({
    data: {
      event_uuid: id, filter: { user_id: BRAND_ID }, event_type: 'post.mention.create', tag: 'mentions',
      payload: {
        id, text, author_id: author, created_at: '2026-11-23T10:00:00.000Z', conversation_id: id, lang: 'en', reply_settings: 'everyone',
        edit_history_tweet_ids: [id], display_text_range: [0, text.length], possibly_sensitive: false, paid_partnership: false,
        entities: {
          mentions: [{ start: 0, start_str: '0', end: 6, end_str: '6', username: 'brand', id: BRAND_ID }],
          urls: [{ start: 52, start_str: '52', end: 75, end_str: '75', url: 'https://t.co/abc123', expanded_url: `https://example.com/orders/${i}`, display_url: `example.com/orders/${i}` }],
        },
        public_metrics: { retweet_count: 0, retweet_count_str: '0', reply_count: 0, reply_count_str: '0', like_count: 0, like_count_str: '0', quote_count: 0, quote_count_str: '0', bookmark_count: 0, bookmark_count_str: '0', impression_count: 0, impression_count_str: '0' },
      },
      includes: {
        users: [{
          id: author, name: `Bench User ${i % 2_000}`, username: `bench_${i % 2_000}`, created_at: '2010-03-02T09:12:44.000Z', protected: false, verified: false,
          description: 'Coffee, trains and the occasional complaint about delivery times. Opinions my own.', location: 'Leeds, England',
          profile_image_url: 'https://pbs.twimg.com/profile_images/1/a_normal.jpg',
          public_metrics: { followers_count: 120, followers_count_str: '120', following_count: 80, following_count_str: '80', tweet_count: 4821, tweet_count_str: '4821', listed_count: 12, listed_count_str: '12' },
        }],
      },
    },
  }));
}
