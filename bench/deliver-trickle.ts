// bench:deliver, trickle case: tweets arriving one by one at a steady rate, as live traffic does,
// measured as ../shared/acceptance/deliver-freshness measures them: from each tweet's 200 at intake
// to its record being readable in the CRM (Salesforce: its SocialPost by SOQL through jsforce, as a
// CRM user reads it; SAP C4C: its SocialMediaActivity by an OData query; Oracle CX: its socialPost by
// a REST `q` query), and how many tweets each write call carried (calls are the CRM quota the
// freshness budget is spent on).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile, sendTrickle, watchPosts, type PostWatch } from '../test/helpers/freshness.ts';
import { listAll } from '../test/helpers/parley.ts';
import { spawnParley } from '../test/helpers/processes.ts';
import { delta, dispatchCount, outboxStats, sandboxFaults, sandboxStats, stopParley, writeCalls, writeDeliverConfig, type BenchDestination, type DestinationProfile } from './deliver-config.ts';
import { watchSocialPosts } from './oracle-watch.ts';
import { watchActivities } from './sap-watch.ts';
import { signX, syntheticTweet } from './synthetic-x.ts';

export interface TrickleOptions {
  root: string;
  /** The one destination Parley is configured with (deliver-config.ts DESTINATIONS). */
  destination: DestinationProfile;
  /** Tweets sent (the issue: 300). */
  tweets: number;
  /** Tweets per second (the issue: 20). */
  perSecond: number;
  /** Distinct authors, in turn (the issue: 100). */
  people: number;
  /** Sandbox latency per call, ms. */
  latencyMs: number;
  xSecret: string;
  adminKey: string;
}

/** What the trickle case measured. */
export interface TrickleResult {
  /** Freshness quantiles, ms from the 200 to the record in the CRM (Infinity when some were never seen). */
  p50Ms: number;
  p99Ms: number;
  tweetsPerCall: number;
  /** Answers refusing a call for the API quota. */
  limitErrors: number;
  lines: string[];
}

/** How the trickle reads each destination's posts, given its sandbox's URL (`${base}/sandbox/<name>`). */
const WATCHERS: Readonly<Record<BenchDestination, (sandboxUrl: string) => PostWatch | Promise<PostWatch>>> = {
  salesforce: (url) => watchPosts(url),
  'sap-c4c': (url) => watchActivities(url),
  'oracle-cx': (url) => watchSocialPosts(url),
};

/** Tweet `i` of the trickle: its body and its post's key (ExternalPostId, SocialMediaMessageID, SourcePostIdPrimary: syntheticTweet's id_str). */
const tweet = (i: number, people: number) => ({
  body: syntheticTweet(70_000_001 + i, String(920_000_001 + (i % people))),
  postId: String(1_800_000_000_000_000_000n + BigInt(70_000_001 + i)),
});

/** Waits until `check` resolves true, polling every 100 ms. @throws Error naming `what` after `timeoutMs` */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs the trickle case on a fresh Parley (its own process, `src/main.ts`, so that the bench's
 * client and SOQL polling do not share its event loop) and a fresh data folder, removed afterwards.
 * @throws Error when a delivery is refused or Parley does not start
 */
export async function runTrickle(options: TrickleOptions): Promise<TrickleResult> {
  const { destination } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-trickle-'));
  let child: ChildProcess | undefined;
  try {
    const configPath = writeDeliverConfig({ dataDir, name: 'parley.yaml', root: options.root, xSecret: options.xSecret, adminKey: options.adminKey, destination });
    const started = await spawnParley({ PARLEY_DATA_DIR: dataDir, PARLEY_CONFIG: configPath });
    child = started.child;
    const base = started.base;
    await sandboxFaults(base, destination.name, { latencyMs: options.latencyMs });
    const sign = (body: string | Buffer) => signX(options.xSecret, Buffer.from(body));
    // Warm-up: the destination connected and a first post and persona written (outside the figures).
    const warm = syntheticTweet(70_000_000, '920000000');
    const answer = await fetch(`${base}/webhooks/x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(warm) }, body: new Uint8Array(warm) });
    if (answer.status !== 200) throw new Error(`the warm-up delivery answered ${answer.status}`);
    await until('the warm-up tweet delivered', async () => {
      const state = await outboxStats(base, options.adminKey, destination.name);
      return (state.done ?? 0) > 0 && (state.pending ?? 0) + (state.leased ?? 0) + (state.waiting ?? 0) === 0;
    }, 60_000);

    const watch = await WATCHERS[destination.name](`${base}/sandbox/${destination.name}`);
    const before = await sandboxStats(base, destination.name);
    const sentBefore = await dispatchCount(base, destination.name);
    const acked = await sendTrickle({
      base, count: options.tweets, perSecond: options.perSecond, sign, onAck: (id) => watch.expect(id),
      item: (i) => tweet(i, options.people),
    });
    const latencies = await watch.finish(acked, 60_000);
    // Counted once every post is seen, as the acceptance check counts them: the calls that delivered the trickle.
    const after = await sandboxStats(base, destination.name);
    const sentAfter = await dispatchCount(base, destination.name);
    const batches = sentAfter.batches - sentBefore.batches, operations = sentAfter.operations - sentBefore.operations;
    const calls = writeCalls(destination, after.calls, before.calls);
    const limitErrors = delta(after.errors, before.errors, destination.limitErrorCode);
    // Where the time went: from the 200 to the post's operation being planned (intake, derivation,
    // planning), and from then to the record in the CRM (the outbox's lingering, the call).
    const { post } = destination;
    const planned = new Map((await listAll(base, `/v1/operations?destination=${destination.name}`, options.adminKey))
      .filter((o) => o.mappingId === post.mappingId).map((o) => [String(o.fields[post.keyField]), Date.parse(String(o.createdAt))]));
    const toPlan = [...acked].map(([id, at]) => (planned.get(id) ?? Infinity) - at).sort((a, b) => a - b);
    const toCrm = [...acked.keys()].map((id) => (watch.seen.get(id) ?? Infinity) - (planned.get(id) ?? Infinity)).filter((ms) => !Number.isNaN(ms)).sort((a, b) => a - b);
    const p50Ms = quantile(latencies, 0.5);
    const p99Ms = quantile(latencies, 0.99);
    const unseen = latencies.filter((ms) => ms === Infinity).length;
    const tweetsPerCall = options.tweets / Math.max(1, calls);
    const seconds = (ms: number) => (ms / 1000).toFixed(2);
    return {
      p50Ms, p99Ms, tweetsPerCall, limitErrors,
      lines: [
        `trickle to ${destination.label}: ${options.tweets} tweets at ${options.perSecond}/s from ${options.people} people, ${options.latencyMs} ms sandbox latency per call, after one warm-up tweet`,
        `  freshness, from each 200 to its ${post.object} readable by ${destination.readBy}: p50 ${seconds(p50Ms)} s, p99 ${seconds(p99Ms)} s, max ${seconds(latencies.at(-1)!)} s (target p99 ≤ 2 s)${unseen > 0 ? `; ${unseen} never seen within 60 s` : ''}`,
        `    of which from the 200 to its operation planned: p50 ${seconds(quantile(toPlan, 0.5))} s, p99 ${seconds(quantile(toPlan, 0.99))} s; from planned to the CRM: p50 ${seconds(quantile(toCrm, 0.5))} s, p99 ${seconds(quantile(toCrm, 0.99))} s`,
        `  write calls until every post was seen: ${calls} (${destination.writes}), ${tweetsPerCall.toFixed(1)} tweets per write call${destination.name === 'salesforce' ? ' (target ≥ 8)' : ''}${limitErrors > 0 ? `; limit errors: ${limitErrors}` : ''}`,
        `  Parley's own count (parley_dispatch_batch_records): ${operations} operations in ${batches} write batches, ${(operations / Math.max(1, batches)).toFixed(1)} per batch`,
      ],
    };
  } finally {
    await stopParley(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
