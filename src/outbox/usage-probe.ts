import type { DestinationClient, UsageReading } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import type { DestinationState } from './destination-state.ts';

/**
 * Usage that stays true (issue 17, item 9). A destination paused for its API budget reserve, or for
 * a quota window the CRM announced (Salesforce's daily REQUEST_LIMIT_EXCEEDED), learns of the quota
 * only from CRM answers — and the pause stops every call, so the reading that caused the pause would
 * never change. While such a pause lasts, the destination's cheapest usage call
 * (`DestinationClient.refreshUsage`, Salesforce `GET /limits`) is made at most once per interval,
 * through the destination's limiter, and the pause ends as soon as the reading leaves budget above
 * the reserve. Pauses for anything else (unreachable, misconfigured, a burst limit) are not probed.
 */

/** Default wait between two usage probes of a paused destination, ms (`usageProbeSeconds: 15`). */
export const USAGE_PROBE_DEFAULT_MS = 15_000;
/** Bounds of the probe interval, ms: each probe is a call counted against the quota it watches. */
export const USAGE_PROBE_MIN_MS = 5_000;
export const USAGE_PROBE_MAX_MS = 300_000;
/**
 * A rate-limit pause longer than this is a quota window (a daily limit: Salesforce's TotalRequests
 * wait is 15 min), worth probing; a shorter one is a burst limit (ConcurrentRequests, a 429 with a
 * Retry-After of seconds) that usage figures say nothing about, so it simply runs out.
 */
export const QUOTA_WINDOW_MS = 60_000;
/** The code of a pause for the budget reserve (set by the dispatcher). */
export const BUDGET_RESERVED = errors.OUTBOX_BUDGET_RESERVED.code;

/**
 * Calls Parley may still make before touching the reserve: ⌊limit × (1 − reserve)⌋ − used.
 * @param reserve the share of the quota kept for the org's other integrations (0.1 = 10 %)
 */
export function budgetRemaining(usage: { used: number; limit: number }, reserve: number): number {
  return Math.floor(usage.limit * (1 - reserve)) - usage.used;
}

/** The probe interval of a destination, ms: its `usageProbeMs`, else the default, kept within bounds. */
export function probeIntervalMs(configuredMs: number | undefined): number {
  const ms = configuredMs ?? USAGE_PROBE_DEFAULT_MS;
  return Math.min(USAGE_PROBE_MAX_MS, Math.max(USAGE_PROBE_MIN_MS, Number.isFinite(ms) ? ms : USAGE_PROBE_DEFAULT_MS));
}

/**
 * Whether a pause is one a usage reading can end: the destination is paused (or about to be) until
 * `pausedUntil` (epoch ms), and either for the budget reserve or for a quota window.
 */
export function probeApplies(pause: { state: DestinationState; pausedUntil: number; lastErrorCode: string | undefined; now: number }): boolean {
  if (pause.state !== 'paused' && pause.state !== 'ready') return false;
  if (pause.pausedUntil <= pause.now) return false;
  return pause.lastErrorCode === BUDGET_RESERVED || pause.pausedUntil - pause.now > QUOTA_WINDOW_MS;
}

/**
 * How long an operation refused for quota waits before it may be claimed again, ms: for a
 * destination that can be probed, no longer than its probe interval, so that a pause a probe ends
 * early is not followed by operations still held for the CRM's whole announced wait (while the
 * destination is paused none is claimed anyway); otherwise the wait the CRM announced.
 */
export function heldOperationWaitMs(retryAfterMs: number, destination: Pick<ProbedDestination, 'client' | 'destination'>): number {
  if (destination.client?.refreshUsage === undefined) return retryAfterMs;
  return Math.min(retryAfterMs, probeIntervalMs(destination.destination.usageProbeMs));
}

/** The part of the dispatcher's view of a destination that the probe reads and, on resuming, changes. */
export interface ProbedDestination {
  destination: { id: string; budgetReserve: number; usageProbeMs?: number };
  state: DestinationState;
  /** Epoch ms until which nothing is sent. */
  pausedUntil: number;
  lastError?: { code: string; message: string };
  /** The kit's client: its `refreshUsage` goes through the destination's limiter like any other CRM call. */
  client?: Pick<DestinationClient, 'refreshUsage'>;
  usage?: UsageReading;
}

/** The probe policy, one per dispatcher. */
export interface UsageProbe {
  /**
   * While a probe-able pause lasts and a probe is due, reads the usage; when it shows budget above
   * the reserve, ends the pause (`state` ready, `pausedUntil` 0, `lastError` cleared) and resolves
   * true. Resolves false otherwise (not paused for quota, not due, still no budget, probe failed).
   * The first probe of a pause is one interval after either method first saw the pause.
   */
  tryResume(destination: ProbedDestination): Promise<boolean>;
  /** Ms until the next probe of a probe-able pause is due (0 when due now), or undefined when none applies. */
  waitMs(destination: ProbedDestination): number | undefined;
  /**
   * Before writing: when the last reading is older than a probe interval (or there is none), reads
   * the usage again, through the limiter, so a quiet spell's stale reading does not spend the
   * reserve the org's other integrations used meanwhile. Each write refreshes the reading, so a
   * steady flow costs no extra call, and a sparse one at most one per interval. The first write of
   * a run reads it afresh whatever its age: the connect's reading may be seconds old, and the org's
   * other integrations (or a lowered quota) may have used the budget meanwhile, so the reserve must
   * hold from the first call (one call per destination and run). Resolves true when a fresh reading
   * was taken; a failed read resolves false (the write will tell).
   */
  refreshIfStale(destination: ProbedDestination): Promise<boolean>;
}

/** Log lines the probe writes. */
interface ProbeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/**
 * Creates the probe policy.
 * @param options.now the clock (injected: tests drive it)
 */
export function createUsageProbe(options: { now: () => Date; logger: ProbeLogger }): UsageProbe {
  /** Per destination: when the current pause was last probed (or first seen), epoch ms; and whether a probe is running. */
  const probes = new WeakMap<ProbedDestination, { lastAt: number; running: boolean }>();
  /** Destinations whose first write of this run has had its fresh reading. */
  const checkedBeforeFirstWrite = new WeakSet<ProbedDestination>();

  const applies = (d: ProbedDestination, now: number) =>
    d.client?.refreshUsage !== undefined && probeApplies({ state: d.state, pausedUntil: d.pausedUntil, lastErrorCode: d.lastError?.code, now });
  /** The probe record of a pause, made when either method first sees it: the reading (or refusal) that caused the pause is as fresh as a probe. */
  const seen = (d: ProbedDestination, now: number) => probes.get(d) ?? probes.set(d, { lastAt: now, running: false }).get(d)!;

  return {
    async tryResume(d) {
      const now = options.now().getTime();
      if (!applies(d, now)) { probes.delete(d); return false; }
      const probe = seen(d, now);
      if (probe.running || now - probe.lastAt < probeIntervalMs(d.destination.usageProbeMs)) return false;
      probe.lastAt = now;
      probe.running = true;
      let reading: UsageReading;
      try {
        reading = await d.client!.refreshUsage!();
      } catch (error) {
        // A CRM still refusing (Salesforce answers /limits with 403 REQUEST_LIMIT_EXCEEDED too) or out of reach: try again later.
        options.logger.debug({ destination: d.destination.id, err: error }, 'usage probe failed; the destination stays paused');
        return false;
      } finally {
        probe.running = false;
      }
      d.usage = reading;
      const remaining = budgetRemaining(reading, d.destination.budgetReserve);
      if (remaining <= 0) {
        options.logger.debug({ destination: d.destination.id, used: reading.used, limit: reading.limit }, 'usage probe: still no budget above the reserve');
        return false;
      }
      // Another pause may have begun while the probe was in flight (a write rate-limited meanwhile): only the probed one ends.
      if (!applies(d, options.now().getTime())) return false;
      options.logger.info({ destination: d.destination.id, used: reading.used, limit: reading.limit, budgetRemaining: remaining, pausedFor: d.lastError?.code ?? 'rate limit' }, 'api budget is back; resuming this destination');
      probes.delete(d);
      d.pausedUntil = 0;
      d.state = 'ready';
      d.lastError = undefined;
      return true;
    },
    async refreshIfStale(d) {
      if (d.client?.refreshUsage === undefined) return false;
      const now = options.now().getTime();
      const first = !checkedBeforeFirstWrite.has(d);
      if (!first && d.usage && now - d.usage.at.getTime() < probeIntervalMs(d.destination.usageProbeMs)) return false;
      try {
        d.usage = await d.client!.refreshUsage!();
        checkedBeforeFirstWrite.add(d);
        return true;
      } catch (error) {
        options.logger.debug({ destination: d.destination.id, err: error }, 'usage refresh before writing failed; writing on the last reading');
        return false;
      }
    },
    waitMs(d) {
      const now = options.now().getTime();
      if (!applies(d, now)) { probes.delete(d); return undefined; }
      return Math.max(0, seen(d, now).lastAt + probeIntervalMs(d.destination.usageProbeMs) - now);
    },
  };
}
