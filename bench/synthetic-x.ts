import { createHmac } from 'node:crypto';

/**
 * A signed-ready synthetic X mention of about 1.5 KB, shaped like a real `tweet_create_events`
 * delivery (user object, entities, extended fields). Unique per `i`, so no delivery is a duplicate.
 */
export function syntheticTweet(i: number, userId = String(900_000_000 + (i % 2_000))): Buffer {
  const id = String(1_800_000_000_000_000_000n + BigInt(i));
  return Buffer.from(JSON.stringify({
    for_user_id: '2244994945',
    tweet_create_events: [{
      created_at: 'Mon Nov 23 10:00:00 +0000 2026', id: Number(id), id_str: id, text: `@brand order ${i} still not here &amp; nobody answers ☕`,
      truncated: false, in_reply_to_status_id_str: null, in_reply_to_user_id_str: '2244994945', in_reply_to_screen_name: 'brand',
      user: {
        id: Number(userId), id_str: userId, name: `Bench User ${userId}`, screen_name: `bench_${userId}`, followers_count: 120, friends_count: 80,
        verified: false, profile_image_url_https: 'https://pbs.twimg.com/profile_images/1/a_normal.jpg',
        description: 'Coffee, trains and the occasional complaint about delivery times. Opinions my own.', location: 'Leeds, England',
        created_at: 'Tue Mar 02 09:12:44 +0000 2010', statuses_count: 4821, favourites_count: 1290, listed_count: 12, protected: false, url: null,
      },
      entities: {
        hashtags: [{ text: 'support', indices: [40, 48] }],
        urls: [{ url: 'https://t.co/abc123', expanded_url: `https://example.com/orders/${i}`, display_url: `example.com/orders/${i}`, indices: [49, 72] }],
        user_mentions: [{ screen_name: 'brand', name: 'Brand', id: 2244994945, id_str: '2244994945', indices: [0, 6] }],
      },
      source: '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>', filter_level: 'low', timestamp_ms: '1795946400000', lang: 'en',
    }],
  }));
}

/** `x-twitter-webhooks-signature` for `body` under `secret`. */
export function signX(secret: string, body: Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('base64');
}
