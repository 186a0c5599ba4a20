import type { DestinationClient, ObjectCatalog, WriteResult } from '../connectors/destination.ts';
import { connectDestination } from '../connectors/destination-kit/index.ts';
import { createOutboundClient } from '../connectors/outbound.ts';
import { errors, isParleyError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import { checkMappingAgainstCatalog } from '../mappings/catalog-check.ts';
import { mappingsNow, type MappingsSource } from '../mappings/mapping-set.ts';
import type { DestinationState } from './destination-state.ts';
import type { DestinationRuntime } from './dispatcher-types.ts';
import { rateLimitedUntil, unreachableCut } from './send-batches.ts';
import { STOPPING, type Stopping } from './stopping.ts';
import { errorSummary } from './write-plan.ts';

// A destination's connection and the state it puts the destination in: connecting (and checking the
// mappings against its catalog), failing (misconfigured or unreachable, with backoff), and what a
// write's results say of the connection.

/** Codes of connection failures that need a person, not time. */
const NEEDS_A_PERSON: ReadonlySet<string> = new Set([
  errors.DESTINATION_CONFIG.code, errors.DESTINATION_UNTRUSTED_HOST.code, errors.DESTINATION_REDIRECTED.code, errors.MAPPING_INVALID.code,
]);

/** The log lines the connection writes. */
export type ConnectionLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** How failures are waited out. */
export interface ConnectionPolicy {
  now: () => Date;
  /** [0, 1): the jitter of the unreachable backoff. */
  random: () => number;
  /** Wait after a failure that needs a person (`misconfigured`), ms. */
  reconnectMs: number;
  /** First wait after a network failure (`unreachable`), ms; doubles with each failure in a row. */
  unreachableBaseMs: number;
  /** Longest wait between tries of an unreachable destination, ms. */
  unreachableMaxMs: number;
  logger: ConnectionLogger;
}

/**
 * Records a failure to reach or use the destination: `misconfigured` (its code needs a person:
 * waits `reconnectMs`) or `unreachable` (the network: waits unreachableBaseMs × 2^(failures − 1),
 * at most unreachableMaxMs, times a jitter in [0.5, 1)). Logged once per change of state or cause,
 * at debug while it stays the same.
 */
export function recordFailure(rt: DestinationRuntime, error: unknown, policy: ConnectionPolicy): void {
  const id = rt.destination.id;
  const summary = errorSummary(error);
  const state: DestinationState = NEEDS_A_PERSON.has(summary.code) ? 'misconfigured' : 'unreachable';
  rt.failures = state === 'unreachable' ? rt.failures + 1 : 0;
  const waitMs = state === 'misconfigured' ? policy.reconnectMs
    : Math.min(policy.unreachableMaxMs, policy.unreachableBaseMs * 2 ** Math.min(rt.failures - 1, 20)) * (0.5 + policy.random() / 2);
  const changed = rt.state !== state || rt.lastError?.code !== summary.code;
  rt.state = state;
  rt.lastError = summary;
  rt.pausedUntil = policy.now().getTime() + waitMs;
  const host = isParleyError(error) ? (error.details as { host?: string }).host : undefined;
  const fields = { destination: id, code: summary.code, ...(host ? { host } : {}), retryInMs: Math.round(waitMs), err: isParleyError(error) ? undefined : error };
  if (!changed) policy.logger.debug(fields, `destination "${id}" is still ${state}`);
  else if (state === 'misconfigured') policy.logger.error(fields, `destination "${id}" is misconfigured: ${summary.message}`);
  else policy.logger.warn(fields, `destination "${id}" is unreachable: ${summary.message}`);
}

/**
 * What one write's results say of the destination: a call the network cut off for every record
 * makes it unreachable (recordFailure); any other answer makes an unreachable one ready again; a
 * rate-limited record pauses it for the wait the CRM announced (never shortening a pause).
 */
export function noteWriteResults(rt: DestinationRuntime, results: ReadonlyMap<string, WriteResult>, policy: ConnectionPolicy): void {
  const cut = unreachableCut(results);
  if (cut) recordFailure(rt, cut, policy);
  else if (rt.state === 'unreachable') {
    policy.logger.info({ destination: rt.destination.id, after: `${rt.failures} failed tries` }, 'destination reachable again');
    rt.state = 'ready';
    rt.failures = 0;
    rt.lastError = undefined;
  }
  const until = rateLimitedUntil(results, policy.now().getTime());
  if (until !== undefined) rt.pausedUntil = Math.max(rt.pausedUntil, until);
}

/** What connecting needs. */
export interface ConnectDeps {
  /** Opens a client for the destination (openThroughKit in the service; a fake in tests). */
  open(rt: DestinationRuntime): Promise<DestinationClient>;
  /** Every mapping: those targeting this destination are checked against its catalog. */
  mappings: MappingsSource;
  /** Told the catalog once the destination is connected and its mappings fit. */
  onCatalog?: (destination: string, catalog: ObjectCatalog) => void;
  stopping: Stopping;
  policy: ConnectionPolicy;
}

/**
 * Connects the destination unless it already is, reads its catalog, and checks the mappings that
 * target it against the catalog. Resolves true when it is connected and its mappings fit (state
 * `ready`); false when the connect failed (recordFailure: tried again once `pausedUntil` passes, a
 * refusal too, in case the CRM side is fixed), when a mapping does not fit (`misconfigured` with
 * `PARLEY_MAPPING_INVALID`, its issues in `mappingIssues`: nothing is sent until a restart), or
 * when the dispatcher began stopping meanwhile (the connect goes on unawaited; a client it opens
 * after the stop is closed at once).
 */
export async function connect(rt: DestinationRuntime, deps: ConnectDeps): Promise<boolean> {
  if (rt.client) return true;
  const id = rt.destination.id;
  const log = deps.policy.logger;
  try {
    const connecting = deps.open(rt);
    // One that connects after the stop is closed at once: nobody will use it.
    connecting.then((client) => { if (deps.stopping.stopped && rt.client !== client) void client.close().catch(() => undefined); }, () => undefined);
    rt.client = await deps.stopping.until(connecting);
    rt.catalog = await deps.stopping.until(rt.client.catalog());
  } catch (error) {
    await rt.client?.close().catch(() => undefined);
    rt.client = undefined;
    if (error === STOPPING) return false;
    recordFailure(rt, error, deps.policy);
    return false;
  }
  const catalog = rt.catalog;
  const issues = mappingsNow(deps.mappings)().filter((m) => m.definition.target.destination === id)
    .flatMap((m) => checkMappingAgainstCatalog(m, catalog).map((p) => ({
      file: p.file, mapping: p.mappingId, key: p.key, problem: p.message, line: p.line, column: p.column, ...(p.field !== undefined ? { field: p.field } : {}),
    })));
  rt.mappingIssues = issues;
  if (issues.length > 0) {
    rt.state = 'misconfigured';
    rt.lastError = { code: errors.MAPPING_INVALID.code, message: issues.map((i) => `${i.file} ${i.key}: ${i.problem}`).join('; ') };
    for (const issue of issues) log.error(issue, `mapping ${issue.mapping} does not fit ${id}'s catalog; nothing is sent to ${id} until it is fixed`);
    return false;
  }
  deps.onCatalog?.(id, catalog);
  log.info({ destination: id, objects: catalog.objects.length, ...(rt.state === 'unreachable' ? { after: `${rt.failures} failed tries` } : {}) }, 'destination connected');
  rt.state = 'ready';
  rt.failures = 0;
  rt.lastError = undefined;
  return true;
}

/**
 * Opens destinations through the destination kit (connectDestination): the connector's session
 * wrapped so that every call of it goes through the destination's limiter, its usage and rate
 * limits come back on one channel each (into the runtime), and its outbound calls follow the
 * destination's policy (trusted hosts, timeouts).
 * @param options.sandboxUrl the built-in sandbox's URL for a connector id, when it is mounted
 */
export function openThroughKit(options: { logger: Logger; now: () => Date; sandboxUrl?: (connectorId: string) => string | undefined }): (rt: DestinationRuntime) => Promise<DestinationClient> {
  return (rt) => {
    const id = rt.destination.id;
    const sandboxUrl = options.sandboxUrl?.(rt.definition.id);
    return connectDestination(rt.definition, rt.destination.config, {
      name: id,
      logger: options.logger,
      now: options.now,
      outbound: (baseUrl) => createOutboundClient({
        destination: id, baseUrl, trustedDomains: rt.definition.trustedDomains ?? [], policy: rt.destination.outbound,
        ...(rt.requestSpacing ? { beforeRequest: () => rt.requestSpacing!.schedule(async () => undefined) } : {}),
      }),
      ...(sandboxUrl ? { sandboxUrl } : {}),
    }, {
      schedule: (call, options) => rt.limiter.schedule(call, options),
      ...(rt.destination.retry ? { retry: rt.destination.retry } : {}),
      onUsage: (reading) => { rt.usage = reading; },
      onRateLimited: (waitMs) => { rt.pausedUntil = Math.max(rt.pausedUntil, options.now().getTime() + waitMs); },
    });
  };
}
