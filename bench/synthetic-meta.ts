import { createHmac } from 'node:crypto';

/** The Page whose feed the synthetic deliveries come from, and the post the comments are on. */
const PAGE_ID = '1234567890321';
const POST_ID = `${PAGE_ID}_901097836652708`;

/**
 * Meta writes JSON with every non-ASCII character as `\uXXXX` and `/` as `\/`, and signs those bytes
 * (social-webhooks.md §2.1): the synthetic bodies are escaped the same way, so intake hashes what it
 * would hash in production.
 */
const escapedAsMeta = (json: string) => json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\//g, '\\/');

/**
 * A Page `feed` delivery batching `entries` new comments, one entry each, as Meta batches updates
 * (up to 1,000 per POST, Graph API Webhooks docs): about 44 KB for 100 entries. The comment ids are
 * unique per (`i`, entry), so no two deliveries share an item; authors come from a pool of 2,000.
 */
export function syntheticPageFeed(i: number, entries = 100): Buffer {
  const first = i * entries;
  return Buffer.from(escapedAsMeta(JSON.stringify({
    object: 'page',
    entry: Array.from({ length: entries }, (_, k) => {
      const n = first + k;
      const author = String(100_000_000_000_000 + (n % 2_000));
      return {
        id: PAGE_ID, time: 1_795_946_400 + (n % 3_600),
        changes: [{
          field: 'feed',
          value: {
            item: 'comment', verb: 'add', comment_id: `901097836652708_${950_000_000_000_000 + n}`, post_id: POST_ID, parent_id: POST_ID,
            from: { id: author, name: `Bench Fan ${n % 2_000}` }, created_time: 1_795_946_400 + (n % 3_600),
            message: `Order ${n} arrived damaged — café au lait everywhere ☕ https://example.com/orders/${n}`,
          },
        }],
      };
    }),
  })));
}

/** `X-Hub-Signature-256` for `body` under the app secret: `sha256=<lowercase hex HMAC-SHA256>`. */
export function signMeta(secret: string, body: Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}
