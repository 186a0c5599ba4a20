import jsforce from 'jsforce';

// Freshness as the connector-kit issue measures it (issue 17, item 4): from a tweet's 200 at intake
// to its SocialPost being readable in the CRM with SOQL, as the CRM's users would read it. Shared by
// test/multi-destination.test.ts and `npm run bench:deliver`.

/** One delivery to send: its body and the id of the post it becomes (`ExternalPostId`, the tweet's id_str). */
export interface TrickleItem {
  body: string | Buffer;
  postId: string;
}

/**
 * Sends `count` signed deliveries to `${base}/webhooks/x` at `perSecond`, one after another on a
 * fixed schedule (a late one does not make the next early), as a live trickle arrives.
 * @returns each post id with the time of its 200 (epoch ms)
 * @throws Error when a delivery is answered anything but 200
 */
export async function sendTrickle(options: {
  base: string;
  /** Builds delivery `i` (0…count-1). */
  item: (i: number) => TrickleItem;
  /** The `x-twitter-webhooks-signature` of a body. */
  sign: (body: string | Buffer) => string;
  count: number;
  perSecond: number;
  /** Called at each 200 (a watch's `expect`, so it looks for the post from then on). */
  onAck?: (postId: string) => void;
}): Promise<Map<string, number>> {
  const acked = new Map<string, number>();
  const start = Date.now();
  for (let i = 0; i < options.count; i++) {
    const wait = start + (i * 1000) / options.perSecond - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { body, postId } = options.item(i);
    const response = await fetch(`${options.base}/webhooks/x`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': options.sign(body) },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`delivery ${i} answered ${response.status}`);
    acked.set(postId, Date.now());
    options.onAck?.(postId);
  }
  return acked;
}

/** Watches a Salesforce sandbox (or org) for SocialPosts, noting when each was first seen. */
export interface PostWatch {
  /** Post id → when its SocialPost was first seen (epoch ms). */
  seen: ReadonlyMap<string, number>;
  /** Adds an id to look for. */
  expect(postId: string): void;
  /**
   * Resolves once every expected id is seen, or after `timeoutMs`, and stops watching.
   * @returns for each id of `acked`, ms from its 200 to its record (Infinity when never seen), ascending
   */
  finish(acked: ReadonlyMap<string, number>, timeoutMs: number): Promise<number[]>;
}

/**
 * Logs in to the sandbox at `loginUrl` (`…/sandbox/salesforce`) with the demo client and user, and
 * queries it every `pollMs` (default 100) for the expected posts not seen yet, 150 ids per query
 * (SOQL `IN`). A query that fails counts as "not yet".
 */
export async function watchPosts(loginUrl: string, pollMs = 100): Promise<PostWatch> {
  const conn = new jsforce.Connection({ version: '62.0', loginUrl, oauth2: { loginUrl, clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } });
  await conn.login('demo@parley.local', 'demo');
  return pollPosts(async (chunk) => conn.query<{ ExternalPostId: string }>(`SELECT ExternalPostId FROM SocialPost WHERE ExternalPostId IN ('${chunk.join("','")}')`)
    .then((r) => r.records.map((row) => row.ExternalPostId), () => []), { pollMs, perQuery: 150 });
}

/**
 * A PostWatch over any CRM: every `pollMs`, `query` is asked which of the expected ids not seen
 * yet are there, `perQuery` ids at a time; what it answers is noted as seen at that moment. A
 * query should answer [] rather than reject when the CRM cannot answer ("not yet").
 */
export function pollPosts(query: (ids: string[]) => Promise<string[]>, options: { pollMs: number; perQuery: number }): PostWatch {
  const wanted = new Set<string>();
  const seen = new Map<string, number>();
  let stopped = false;
  const poller = (async () => {
    while (!stopped) {
      const pending = [...wanted].filter((id) => !seen.has(id));
      for (let i = 0; i < pending.length; i += options.perQuery) {
        const found = await query(pending.slice(i, i + options.perQuery));
        const now = Date.now();
        for (const id of found) if (!seen.has(id)) seen.set(id, now);
      }
      await new Promise((r) => setTimeout(r, options.pollMs));
    }
  })();
  return {
    seen,
    expect(postId) { wanted.add(postId); },
    async finish(acked, timeoutMs) {
      for (const id of acked.keys()) wanted.add(id);
      const deadline = Date.now() + timeoutMs;
      while ([...acked.keys()].some((id) => !seen.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      stopped = true;
      await poller;
      return [...acked].map(([id, at]) => (seen.has(id) ? seen.get(id)! - at : Infinity)).sort((a, b) => a - b);
    },
  };
}

/** The `q` quantile (0…1) of ascending `values`, as the acceptance checks take it: `values[⌊q·n⌋]`, clamped. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  return values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
}
