// npm run chaos, the checks: what the CRM holds, read back through the sandbox's REST API as a CRM
// user would (SOQL, paged with nextRecordsUrl), against what was accepted; and the API quota and
// call rate, sampled from the sandbox's `_stats` every second.
import { salesforceStats, sleep, type SalesforceStats } from './cluster.ts';
import { userIdOf, type TrafficResult } from './traffic.ts';

const API = 'v62.0';

/** A SOQL query's every row, page by page; a page that fails (the injected faults) is asked again. @returns rows and the calls made */
export async function queryAll<T>(salesforce: string, soql: string): Promise<{ rows: T[]; calls: number }> {
  let calls = 0;
  const login = async () => {
    const response = await fetch(`${salesforce}/services/oauth2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'parley-demo', client_secret: 'parley-demo-secret' }),
    });
    if (response.status !== 200) throw new Error(`the sandbox's token endpoint answered ${response.status}`);
    return await response.json() as { access_token: string; instance_url: string };
  };
  const token = await login();
  const rows: T[] = [];
  let next: string | undefined = `/services/data/${API}/query?q=${encodeURIComponent(soql)}`;
  while (next) {
    let page: { records: T[]; done: boolean; nextRecordsUrl?: string } | undefined;
    for (let attempt = 1; !page; attempt++) {
      calls++;
      const response = await fetch(token.instance_url + next, { headers: { authorization: `Bearer ${token.access_token}` } });
      if (response.status === 200) page = await response.json() as typeof page;
      else if (attempt >= 20) throw new Error(`${soql}: a page answered ${response.status} 20 times`);
      else { await response.arrayBuffer(); await sleep(100); }
    }
    rows.push(...page.records);
    next = page.done ? undefined : page.nextRecordsUrl;
  }
  return { rows, calls };
}

/** What the CRM holds against what was accepted. */
export interface Verdict {
  accepted: number;
  postsRead: number;
  /** Accepted tweets with no SocialPost. */
  lost: number;
  /** ExternalPostIds with more than one SocialPost. */
  doubled: number;
  /** Identities whose persona's Followers is not its last accepted tweet's count (or that have no persona). */
  followersWrong: Array<{ identity: number; expected: number; actual: number | null }>;
  /** Identities with at least one post created (by record id) before an earlier-sent post of theirs. */
  postsOutOfOrder: number;
  /** SOQL calls the read-back made. */
  readCalls: number;
}

/** Reads every SocialPost and SocialPersona back and compares them with `traffic`. */
export async function readBack(salesforce: string, traffic: TrafficResult): Promise<Verdict> {
  const posts = await queryAll<{ Id: string; ExternalPostId: string }>(salesforce, 'SELECT Id, ExternalPostId FROM SocialPost');
  const personas = await queryAll<{ ExternalId: string; Followers: number | null }>(salesforce, 'SELECT ExternalId, Followers FROM SocialPersona');
  const seen = new Map<string, string[]>();
  for (const post of posts.rows) seen.set(post.ExternalPostId, [...(seen.get(post.ExternalPostId) ?? []), post.Id]);
  let lost = 0;
  let doubled = 0;
  // The sandbox makes record ids from one counter per object (connectors/salesforce/sandbox/ids.ts),
  // and base-62 in its digit order sorts as ASCII: the id's first 15 characters give creation order.
  const created = new Map<number, Array<{ seq: number; id: string }>>();
  for (const [postId, { identity, seq }] of traffic.accepted) {
    const ids = seen.get(postId);
    if (!ids) { lost++; continue; }
    if (ids.length > 1) doubled++;
    created.set(identity, [...(created.get(identity) ?? []), { seq, id: ids[0]!.slice(0, 15) }]);
  }
  let postsOutOfOrder = 0;
  for (const list of created.values()) {
    list.sort((a, b) => a.seq - b.seq);
    if (list.some((p, i) => i > 0 && p.id < list[i - 1]!.id)) postsOutOfOrder++;
  }
  const followers = new Map(personas.rows.map((p) => [p.ExternalId, p.Followers]));
  const followersWrong: Verdict['followersWrong'] = [];
  traffic.lastAccepted.forEach((expected, identity) => {
    if (expected === 0) return;
    const actual = followers.get(userIdOf(identity)) ?? null;
    if (actual !== expected) followersWrong.push({ identity, expected, actual });
  });
  return { accepted: traffic.accepted.size, postsRead: posts.rows.length, lost, doubled, followersWrong, postsOutOfOrder, readCalls: posts.calls + personas.calls };
}

/** `_stats` once a second: the quota used and the call rate. */
export interface RateSamples {
  samples: Array<{ at: number; totalCalls: number; used: number; limitErrors: number; calls: Record<string, number> }>;
  stop(): void;
}

export function sampleStats(salesforce: string): RateSamples {
  const samples: RateSamples['samples'] = [];
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const next = Date.now() + 1_000;
      try {
        const stats: SalesforceStats = await salesforceStats(salesforce);
        // The sandbox's time, not ours: this process is busy sending, and a reading that reached
        // it late would shorten the next interval while its count covers all of it.
        samples.push({ at: stats.at, totalCalls: stats.totalCalls, used: stats.apiUsage.used, limitErrors: stats.errors.REQUEST_LIMIT_EXCEEDED ?? 0, calls: stats.calls });
      } catch { /* the sandbox is busy: the next sample covers a longer interval */ }
      await sleep(Math.max(0, next - Date.now()));
    }
  })();
  return { samples, stop: () => { stopped = true; } };
}

/** An interval with more calls than allowed: when it ended (epoch ms), its calls by endpoint. */
export interface Overrun { at: number; calls: number; allowed: number; endpoints: Record<string, number> }

/** The call rate over the samples against the configured one. */
export interface RateVerdict {
  /** Calls per second allowed by `minTimeMs` (Infinity: none configured). */
  configured: number;
  /** Highest rate over one sampling interval of at least 0.9 s, calls/s, outside and during the Redis loss. */
  peakShared: number;
  peakDuringRedisLoss: number;
  /** Intervals with more calls than `minTimeMs` allows (+1 for the fencepost), outside the Redis loss. */
  overruns: Overrun[];
  /** The same during the Redis loss, against the per-instance limits × instances (limits degrade to local then). */
  overrunsDuringRedisLoss: Overrun[];
  maxTotalCalls: number;
}

/**
 * Checks each interval between two samples: calls ≤ ⌊interval ÷ minTimeMs⌋ + 1. While Redis is
 * away (and `graceMs` after, the time a limiter takes to find it again: its probe runs every 3 s),
 * each instance spaces its own calls, so the bound is that times `instances`. Intervals are on the
 * sandbox's clock (`_stats.at`); 100 ms are added to each for calls a busy sandbox counted a little
 * after they arrived.
 */
export function checkRate(samples: RateSamples['samples'], options: {
  minTimeMs: number | undefined;
  instances: number;
  redisDown: { from: number; to: number } | undefined;
  graceMs: number;
  /** Windows of the bench's own calls (the read-back): intervals overlapping one are not checked. */
  excluded: ReadonlyArray<{ from: number; to: number }>;
}): RateVerdict {
  const { minTimeMs, instances, redisDown, graceMs } = options;
  const verdict: RateVerdict = { configured: minTimeMs ? 1000 / minTimeMs : Infinity, peakShared: 0, peakDuringRedisLoss: 0, overruns: [], overrunsDuringRedisLoss: [], maxTotalCalls: 0 };
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!, b = samples[i]!;
    if (options.excluded.some((w) => b.at >= w.from && a.at <= w.to)) continue;
    const calls = b.totalCalls - a.totalCalls;
    const rate = calls / ((b.at - a.at) / 1000);
    verdict.maxTotalCalls = Math.max(verdict.maxTotalCalls, b.totalCalls);
    const lossy = redisDown !== undefined && b.at >= redisDown.from && a.at <= redisDown.to + graceMs;
    // Peaks over intervals of about a second only: a sample that came late leaves a short interval after it, whose rate says little.
    if (b.at - a.at >= 900) {
      if (lossy) verdict.peakDuringRedisLoss = Math.max(verdict.peakDuringRedisLoss, rate);
      else verdict.peakShared = Math.max(verdict.peakShared, rate);
    }
    if (!minTimeMs) continue;
    const allowed = Math.floor((b.at - a.at + 100) / minTimeMs) + 1;
    const endpoints = () => Object.fromEntries(Object.entries(b.calls).map(([k, n]) => [k, n - (a.calls[k] ?? 0)]).filter(([, n]) => (n as number) > 0));
    if (lossy) { if (calls > allowed * instances) verdict.overrunsDuringRedisLoss.push({ at: b.at, calls, allowed: allowed * instances, endpoints: endpoints() }); }
    else if (calls > allowed) verdict.overruns.push({ at: b.at, calls, allowed, endpoints: endpoints() });
  }
  return verdict;
}
