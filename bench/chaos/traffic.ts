// npm run chaos, the X side: identities tweeting, each in order (its next tweet only once the
// previous one got its 200), to whichever instance is live, retried on another one when an instance
// answers anything else or dies under the request, as X retries a delivery.
import { signX, syntheticTweet } from '../synthetic-x.ts';
import { sleep, type ParleyInstance } from './cluster.ts';

/** The first X user id of the run's identities. */
const FIRST_USER = 960_000_000;

/**
 * Tweet `seq` (1-based) of identity `identity`: syntheticTweet's shape, its author's
 * `followers_count` set to `seq`, so that the persona's final Followers says which of the identity's
 * updates the CRM applied last.
 */
export function chaosTweet(identity: number, seq: number, perIdentity: number): { body: Buffer; postId: string } {
  const index = identity * perIdentity + (seq - 1);
  const parsed = JSON.parse(syntheticTweet(index, String(FIRST_USER + identity)).toString()) as { tweet_create_events: Array<{ id_str: string; user: { followers_count: number } }> };
  const event = parsed.tweet_create_events[0]!;
  event.user.followers_count = seq;
  return { body: Buffer.from(JSON.stringify(parsed)), postId: event.id_str };
}

/** The X user id (SocialPersona.ExternalId) of identity `identity`. */
export const userIdOf = (identity: number) => String(FIRST_USER + identity);

/** What the senders did. */
export interface TrafficResult {
  /** Tweets answered 200, by post id (ExternalPostId): the identity and its place in the identity's order. */
  accepted: Map<string, { identity: number; seq: number }>;
  /** Per identity, the followers_count of its last accepted tweet (0: none). */
  lastAccepted: number[];
  /** Attempts answered with another status, by status. */
  refused: Map<number, number>;
  /** Attempts that failed at the connection (an instance killed under them), or timed out. */
  connectionFailures: number;
  /** Deliveries sent again (any failed attempt). */
  retries: number;
  /** Tweets not sent because the send phase ended first. */
  unsent: number;
  seconds: number;
}

export interface TrafficOptions {
  instances: readonly ParleyInstance[];
  identities: number;
  perIdentity: number;
  /** The send phase's length: each identity spaces its tweets to end about then. */
  seconds: number;
  /** After this, an identity stops sending (its tweet not yet accepted is left unsent). */
  hardDeadline: number;
  /** X consumer secret the deliveries are signed with. */
  secret: string;
}

/** A random live instance, another than `avoid` when there is one. */
function pickLive(instances: readonly ParleyInstance[], avoid?: ParleyInstance): ParleyInstance | undefined {
  const live = instances.filter((i) => i.live);
  const others = live.filter((i) => i !== avoid);
  const pool = others.length > 0 ? others : live;
  return pool[Math.floor(Math.random() * pool.length)];
}

/** Sends every identity's tweets, many identities at once, each in order. */
export async function sendTraffic(options: TrafficOptions): Promise<TrafficResult> {
  const { instances, identities, perIdentity, secret } = options;
  const result: TrafficResult = { accepted: new Map(), lastAccepted: new Array<number>(identities).fill(0), refused: new Map(), connectionFailures: 0, retries: 0, unsent: 0, seconds: 0 };
  const started = Date.now();
  const spacingMs = (options.seconds * 1000) / perIdentity;

  /** Delivers one tweet until some instance answers 200. @returns false when the hard deadline came first */
  const deliver = async (body: Buffer): Promise<boolean> => {
    const headers = { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signX(secret, body) };
    let avoid: ParleyInstance | undefined;
    for (;;) {
      if (Date.now() > options.hardDeadline) return false;
      const target = pickLive(instances, avoid);
      if (!target) { await sleep(50); continue; }
      try {
        const response = await fetch(`${target.base}/webhooks/x`, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(15_000) });
        await response.arrayBuffer();
        if (response.status === 200) return true;
        result.refused.set(response.status, (result.refused.get(response.status) ?? 0) + 1);
      } catch {
        result.connectionFailures++;
      }
      result.retries++;
      avoid = target;
      await sleep(20 + Math.random() * 80);
    }
  };

  await Promise.all(Array.from({ length: identities }, async (_, identity) => {
    // Identities start spread over one spacing, so the load is even from the start.
    await sleep(Math.random() * spacingMs);
    for (let seq = 1; seq <= perIdentity; seq++) {
      const due = started + seq * spacingMs;
      const { body, postId } = chaosTweet(identity, seq, perIdentity);
      if (!(await deliver(body))) { result.unsent += perIdentity - seq + 1; return; }
      result.accepted.set(postId, { identity, seq });
      result.lastAccepted[identity] = seq;
      // Jittered spacing: identities drift against each other, and instances see them interleaved.
      const wait = due - Date.now() + (Math.random() - 0.5) * spacingMs * 0.5;
      if (wait > 0) await sleep(wait);
    }
  }));
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
