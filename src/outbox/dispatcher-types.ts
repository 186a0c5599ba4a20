import type { DestinationLimiter, SharedLimitsOptions } from './limits/destination-limiter.ts';
import type { DestinationClient, DestinationDefinition, ObjectCatalog, UsageReading } from '../connectors/destination.ts';
import type { ActiveDestination } from '../connectors/destination-registry.ts';
import type { Logger } from '../logging/logger.ts';
import type { MappingsSource } from '../mappings/mapping-set.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Store } from '../store/store.ts';
import type { RetrySchedule } from './backoff.ts';
import type { DestinationState } from './destination-state.ts';

// The dispatcher's contract: what it offers, what it needs, and what an operator sees of a destination.

/** What an operator sees of a destination (`GET /v1/connectors`). */
export interface DestinationStatus {
  id: string;
  connector: string;
  /**
   * `ready`; `paused` (the CRM's quota or Parley's reserve of it: waits for the window to move);
   * `misconfigured` (credentials, config, a mapping or a host refused: needs a person);
   * `unreachable` (network: refused, DNS, TLS, timeout: retried with backoff, recovers by itself);
   * `connecting` (not tried yet).
   */
  state: DestinationState;
  /** What an operator should do about the state, in one sentence. */
  action: string;
  /** While paused, unreachable or misconfigured: when it is tried again. */
  pausedUntil?: string;
  /** The last quota reading the CRM sent. */
  usage?: { used: number; limit: number; at: string };
  lastError?: { code: string; message: string };
  /** Calls left before the reserve kept for the org's other integrations. */
  budgetRemaining?: number;
}

/**
 * The dispatcher: leases due operations per destination, sends them in bulk through the
 * destination's connector, and records each result — done (the CRM id kept as a link), retried
 * with backoff, rate-limited (the destination pauses; no attempt is spent), or dead.
 */
export interface Dispatcher {
  /**
   * Connects every destination once and checks its mappings against its catalog.
   * @returns the mapping problems found (a destination that cannot be reached is retried later, not reported)
   */
  connectAll(signal?: AbortSignal): Promise<Array<MappingIssue & { destination: string }>>;
  /** Starts dispatching. */
  start(): void;
  /** Wakes the destinations' loops (new operations were planned). */
  notify(): void;
  /** One round for one destination: claim, send, record. Returns how many operations it handled. */
  dispatchOnce(destination: string): Promise<number>;
  /**
   * One round of the destination's bulk lane (bulk-lane.ts), once `start` ran and its client has
   * bulk jobs: claims only resync jobs' operations, a job's worth (`limits.bulk.maxRecords`) when
   * enough are queued, else a round's, and sends groups of at least the threshold as bulk jobs.
   * Returns how many operations it handled (0 without a lane, or while it lets a resync being
   * planned queue more).
   */
  dispatchBulkOnce(destination: string): Promise<number>;
  status(): DestinationStatus[];
  /** Where a person opens a record in the destination's CRM (`DestinationClient.recordUrl`); undefined when not connected or the connector cannot say. */
  recordUrl(destination: string, object: string, recordId: string): string | undefined;
  /** Whether the destination, as connected now, can delete for good (its client has `purge`: Salesforce's Bulk API 2.0 hardDelete). */
  canPurge(destination: string): boolean;
  /**
   * Stops after the rounds in flight, which record their results; given `graceMs`, waits at most
   * that long for them. Then gives back whatever this owner still holds leased (a round cut short,
   * or whose results could not be recorded), so the next start sends it at once.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

export interface DispatcherOptions {
  store: Store;
  destinations: ActiveDestination[];
  /** The mappings (a fixed list, or the registry's live set): those of a destination are checked against its catalog when it connects. */
  mappings: MappingsSource;
  logger: Logger;
  now: () => Date;
  random: () => number;
  /**
   * This instance's name in leases: stable across restarts (`PARLEY_INSTANCE_ID`, instance-id.ts),
   * so a restart takes over what its previous run held leased at once (start.ts).
   */
  owner: string;
  /** Where every instance shares each destination's limits (Redis); unset, the limits are this process's. */
  sharedLimits?: SharedLimitsOptions;
  /** The built-in sandbox's URL for a connector id, when it is mounted. */
  sandboxUrl?: (connectorId: string) => string | undefined;
  /** Called with each destination's catalog once connected (the planner coerces values with it). */
  onCatalog?: (destination: string, catalog: ObjectCatalog) => void;
  /**
   * How long a lease lasts, ms (default 60 s): a dispatcher that dies releases its operations this
   * late to other instances (a restart under its own instance id takes them over at once).
   */
  leaseMs?: number;
  /** Idle wait between rounds when nothing was due, ms (default 500). */
  pollMs?: number;
  /**
   * After a round that found less than a full batch, wait this long before the next one, ms
   * (default 250; the service passes three fifths of its freshness budget, see freshness.ts): operations
   * planned meanwhile join the next call instead of each taking one.
   * The CRM's quota, not our latency, is the scarce thing (ARCHITECTURE.md, Scale).
   */
  lingerMs?: number;
  /** Wait after a connection refused for its config (`misconfigured`), ms (default 30 s). */
  reconnectMs?: number;
  /** First wait after a network failure (`unreachable`), ms (default 5 s); it doubles with each failure in a row. */
  unreachableBaseMs?: number;
  /** Longest wait between tries of an unreachable destination, ms (default 5 min). */
  unreachableMaxMs?: number;
  retry?: RetrySchedule;
  /** How long to pause when only the reserve of the API quota is left, before looking again, ms (default 15 min). */
  budgetPauseMs?: number;
  metrics?: Metrics;
  /**
   * A bulk lane beside each live loop for destinations with bulk jobs (default on): resyncs go as
   * bulk jobs there and the live loop claims only live operations. Off, resyncs share the live loop.
   */
  bulkLane?: boolean;
  /**
   * Longest time a bulk lane holds back for a resync still being planned before claiming what is
   * queued, ms (default 30 s; bulk-lane.ts `bulkClaimTiming`).
   */
  bulkSettleMs?: number;
}

/** A mapping's misfit with its destination's catalog, found when the destination connects. */
/** A mapping that does not fit its destination's catalog, located in its file (line and column 1-based). */
export interface MappingIssue { file: string; mapping: string; key: string; problem: string; line?: number; column?: number; field?: string }

/**
 * The dispatcher's view of one destination, changed by its rounds: the connection, the state an
 * operator sees, and the pause. One per destination, for the dispatcher's life.
 */
export interface DestinationRuntime {
  destination: ActiveDestination;
  definition: DestinationDefinition<unknown>;
  /** Concurrency and spacing of calls to this destination (the kit puts every CRM call through it). */
  limiter: DestinationLimiter;
  /**
   * Spaces every request to the destination by its `minTimeMs` (shared like the limiter): the
   * limiter counts a call once, however many requests it makes. Absent when `minTimeMs` is 0.
   */
  requestSpacing?: DestinationLimiter;
  /** Set once connected (connection.ts); undefined while connecting or after a failed connect. */
  client?: DestinationClient;
  catalog?: ObjectCatalog;
  /** The mappings that do not fit the catalog: nothing is sent while there are any (a restart is needed). */
  mappingIssues?: MappingIssue[];
  state: DestinationState;
  /** Epoch ms until which nothing is sent (a quota pause, or the backoff of a failed connect). */
  pausedUntil: number;
  /** Network failures in a row, for the backoff of an unreachable destination. */
  failures: number;
  /** The last quota reading the CRM sent. */
  usage?: UsageReading;
  lastError?: { code: string; message: string };
  /** Set while the destination's loop waits: ends the wait (new operations were planned). */
  wake?: () => void;
  /** The same for its bulk lane. */
  wakeBulk?: () => void;
}
