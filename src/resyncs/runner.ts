import { mappingInput } from '../mappings/enrich-event.ts';
import type { ObjectCatalog } from '../connectors/destination.ts';
import type { Logger } from '../logging/logger.ts';
import type { CompiledMapping } from '../mappings/compiled-mapping.ts';
import { mappingsNow, versionsOf, type MappingsSource } from '../mappings/mapping-set.ts';
import { planOperations } from '../mappings/plan-operations.ts';
import { applyConsent, consentLookup } from '../policies/consent.ts';
import type { ConsentPolicy } from '../policies/policy-schema.ts';
import type { StoredEvent } from '../model/index.ts';
import { identityOf } from '../outbox/planner.ts';
import type { StoredResync } from '../store/resync-store.ts';
import type { PlannedEvent, Store } from '../store/store.ts';

/**
 * Where a `from-source` job's events come from: pages pulled from the network and stored (deduplicated
 * by event key against what webhooks brought), each with the cursor to go on from after a restart.
 */
export type ResyncPuller = (job: StoredResync, cursor: string | undefined, signal: AbortSignal) => AsyncIterable<{ events: StoredEvent[]; cursor?: string }>;

export interface ResyncRunnerOptions {
  store: Store;
  /** The mappings, read when a job (re)starts: a job runs the set of the moment it began, or resumed. */
  mappings: MappingsSource;
  /** The destinations' catalogs: a job's mappings never run without theirs (values are coerced to field types). */
  catalogs: () => ReadonlyMap<string, ObjectCatalog>;
  /** This instance's id: the owner of the jobs it runs. */
  owner: string;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** `from-source` jobs' pages; without it such jobs fail with why. */
  pull?: ResyncPuller;
  /** Events per transaction (default 200). */
  pageSize?: number;
  /** How long a job stays this instance's without news, ms (default 30 s); renewed every page and poll. */
  leaseMs?: number;
  /** How often to look for a job, or at a job's progress once planned, ms (default 1 s). */
  pollMs?: number;
  /** Called when a page queued operations (the dispatcher listens). */
  onPlanned?: () => void;
  /** `policies.consent`, as the planner applies it (default: granted). */
  consent?: ConsentPolicy;
}

/** Runs resync jobs, one at a time per instance; see `createResyncRunner`. */
export interface ResyncRunner {
  /** Starts looking for jobs. */
  start(): void;
  /** A job was created or cancelled: look now rather than at the next poll. */
  notify(): void;
  /** Stops after the page in progress (the job stays this instance's until its lease runs out, or it restarts). */
  stop(): Promise<void>;
}

/**
 * The resync runner: takes a job (`Store.resyncs.claim`), runs its scope's events through today's
 * mappings of its destinations page by page — each page's operations queued with the job's id and
 * the cursor moved in ONE transaction, so a crash repeats no page and loses none — and, once every
 * event is planned, waits for the outbox to deliver them and marks the job `done`. A cancel is seen
 * at the next page or poll. Mapping problems are not dead-lettered again: the live plan kept them.
 */
export function createResyncRunner(options: ResyncRunnerOptions): ResyncRunner {
  const pageSize = options.pageSize ?? 200;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1_000;
  const log = options.logger;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const aborter = new AbortController();

  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { wake = undefined; resolve(); }, ms);
    wake = () => { clearTimeout(timer); wake = undefined; resolve(); };
  });
  const renew = () => options.store.resyncs.renew(current!.id, { owner: options.owner, now: options.now(), leaseMs });
  let current: StoredResync | undefined;

  /** The page's events through the job's mappings: operations as the planner makes them. */
  const planPage = async (events: StoredEvent[], mappings: readonly CompiledMapping[], catalogs: ReadonlyMap<string, ObjectCatalog>): Promise<PlannedEvent[]> => {
    const plans: PlannedEvent[] = [];
    const versions = versionsOf(mappings);
    const consentOf = await consentLookup(options.store.consents, options.consent ?? { default: 'granted' }, events);
    for (const event of events) {
      const { operations } = await planOperations(mappings, { id: event.id, source: event.source, data: mappingInput(event.data) }, catalogs);
      plans.push({ eventId: event.id, problems: [], operations: applyConsent(operations, consentOf).map((op) => {
        const mappingVersion = versions.get(op.mappingId);
        return { ...op, id: options.newId(), orderingKey: `${op.destination}:${identityOf(event.data)}`, ...(mappingVersion !== undefined ? { mappingVersion } : {}) };
      }) });
    }
    return plans;
  };

  /** Commits one page; false when the job is no longer ours (cancelled, taken over). */
  const commit = async (job: StoredResync, page: { plans: PlannedEvent[]; events: number; cursor?: string; planningDone: boolean; total?: number }) => {
    const ok = await options.store.resyncs.commitPage(job.id, { owner: options.owner, now: options.now(), ...page });
    if (ok && page.plans.some((p) => p.operations.length > 0)) options.onPlanned?.();
    return ok;
  };

  /** Catalogs of every destination of the job, once all are known (renewing the lease meanwhile); undefined if the job was lost. */
  const catalogsFor = async (job: StoredResync): Promise<ReadonlyMap<string, ObjectCatalog> | undefined> => {
    let logged = false;
    while (!stopped) {
      const catalogs = options.catalogs();
      const missing = job.destinations.filter((d) => !catalogs.has(d));
      if (missing.length === 0) return catalogs;
      if (!logged) log.info({ resyncId: job.id, destinations: missing }, 'this resync waits for its destinations to connect (their catalogs check the values)');
      logged = true;
      if (!(await renew())) return undefined;
      await pause(pollMs);
    }
    return undefined;
  };

  const planFromStore = async (job: StoredResync, mappings: readonly CompiledMapping[], catalogs: ReadonlyMap<string, ObjectCatalog>): Promise<boolean> => {
    let cursor = job.cursor;
    const total = job.events.total ?? await options.store.resyncs.countScope(job.scope);
    let first = job.events.total === undefined;
    while (!stopped) {
      const page = await options.store.resyncs.readScope(job.scope, { ...(cursor !== undefined ? { cursor } : {}), limit: pageSize });
      const done = page.events.length < pageSize;
      const plans = await planPage(page.events, mappings, catalogs);
      if (!(await commit(job, { plans, events: page.events.length, ...(page.cursor !== undefined ? { cursor: page.cursor } : {}), planningDone: done, ...(first ? { total } : {}) }))) return false;
      first = false;
      cursor = page.cursor;
      if (done) return true;
    }
    return false;
  };

  const planFromSource = async (job: StoredResync, mappings: readonly CompiledMapping[], catalogs: ReadonlyMap<string, ObjectCatalog>): Promise<boolean> => {
    if (!options.pull) {
      await options.store.resyncs.finish(job.id, { owner: options.owner, now: options.now(), state: 'failed', error: { code: 'PARLEY_PULL_UNSUPPORTED', message: 'this instance cannot pull from the job\'s network' } });
      return false;
    }
    for await (const page of options.pull(job, job.cursor, aborter.signal)) {
      if (stopped) return false;
      const plans = await planPage(page.events, mappings, catalogs);
      if (!(await commit(job, { plans, events: page.events.length, ...(page.cursor !== undefined ? { cursor: page.cursor } : {}), planningDone: false }))) return false;
    }
    return !stopped && commit(job, { plans: [], events: 0, planningDone: true });
  };

  /** Waits until nothing the job queued is left to deliver, then marks it done. */
  const awaitDelivery = async (job: StoredResync): Promise<void> => {
    while (!stopped) {
      const now = await options.store.resyncs.get(job.id);
      if (!now || now.state !== 'running') return;
      if (now.counts.queued === 0) {
        if (await options.store.resyncs.finish(job.id, { owner: options.owner, now: options.now(), state: 'done' })) {
          log.info({ resyncId: job.id, counts: now.counts, events: now.events.done }, 'resync done');
        }
        return;
      }
      if (!(await renew())) return;
      await pause(pollMs);
    }
  };

  const runJob = async (job: StoredResync): Promise<void> => {
    current = job;
    log.info({ resyncId: job.id, mode: job.mode, destinations: job.destinations, resumedFrom: job.cursor ?? null }, job.cursor === undefined ? 'resync started' : 'resync resumed');
    const mappings = mappingsNow(options.mappings)().filter((m) => job.destinations.includes(m.definition.target.destination));
    if (!job.planningDone) {
      const catalogs = await catalogsFor(job);
      if (!catalogs) return;
      const planned = job.mode === 'from-source' ? await planFromSource(job, mappings, catalogs) : await planFromStore(job, mappings, catalogs);
      if (!planned) return;
    }
    await awaitDelivery(job);
  };

  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const job = await options.store.resyncs.claim({ owner: options.owner, now: options.now(), leaseMs });
        if (job) {
          await runJob(job);
          current = undefined;
          continue;
        }
      } catch (err) {
        // The store is away (a restart): the job keeps its lease and cursor; try again shortly.
        log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'a resync step failed; trying again');
      }
      await pause(pollMs);
    }
  };

  return {
    start() { loop ??= run(); },
    notify() { wake?.(); },
    async stop() {
      stopped = true;
      aborter.abort();
      wake?.();
      await loop;
    },
  };
}
