import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { demoDefaultsInUse } from './config/demo-defaults.ts';
import { readConfig } from './config/load-config.ts';
import { resolveFolder, resolveMappingsDir } from './config/mappings-dir.ts';
import { errors } from './errors.ts';
import type { Environment } from './config/environment.ts';
import { loadDestinations, loadSandboxes, type ActiveDestination } from './connectors/destination-registry.ts';
import { loadSources } from './connectors/registry.ts';
import { createDeriver, type Deriver } from './intake/deriver.ts';
import { createDispatcher, type Dispatcher } from './outbox/dispatcher.ts';
import { lingerAfterPartialRound } from './outbox/freshness.ts';
import { instanceId } from './instance-id.ts';
import { leadGatedStore } from './instances/lead-gated-store.ts';
import { startPresence } from './instances/presence.ts';
import { createPlanner, type Planner } from './outbox/planner.ts';
import { createPeopleIndexer, type PeopleIndexer } from './people/indexer.ts';
import { createResyncRunner, type ResyncRunner } from './resyncs/runner.ts';
import { createEraser } from './erasures/eraser.ts';
import { compileIntakeDrops } from './policies/intake-drops.ts';
import { createRetentionJob } from './policies/retention.ts';
import { createCrisisEngine, loadRules, type CrisisEngine } from './rules/index.ts';
import { createSuppression } from './erasures/suppression.ts';
import { createSourcePuller } from './resyncs/pull-source.ts';
import { loadCatalogCache, saveCatalog } from './mappings/catalog-cache.ts';
import type { ObjectCatalog } from './connectors/destination.ts';
import { createIntake, type Intake } from './intake/intake-service.ts';
import type { CompiledMapping } from './mappings/compiled-mapping.ts';
import { createMappingRegistry, type MappingRegistry } from './mappings/registry.ts';
import { createLogger, withRedactedHeaders, type Logger } from './logging/logger.ts';
import { createMetrics, trackOutbox, trackPending } from './metrics/metrics.ts';
import { sandboxBaseUrl } from './http/sandbox-mount.ts';
import { buildApp } from './server.ts';
import { createStore } from './store/create-store.ts';
import type { Store } from './store/store.ts';

/** A running Parley: stop it to finish in-flight requests, commit what is queued and close the store. */
export interface RunningParley {
  app: FastifyInstance;
  store: Store;
  intake: Intake;
  deriver: Deriver;
  /** Configured CRMs (validated, not yet connected). */
  destinations: ActiveDestination[];
  /** The mappings in force now, compiled; checked against the destinations' catalogs once those connect. */
  mappings: readonly CompiledMapping[];
  /** The mappings in force and their versions (API edits, reloads). */
  registry: MappingRegistry;
  /** Runs the mappings on stored events; absent when there are no mappings. */
  planner: Planner | undefined;
  /** Sends planned operations to the destinations; absent without mappings or destinations. */
  dispatcher: () => Dispatcher | undefined;
  logger: Logger;
  /** The address it listens on, e.g. `http://127.0.0.1:3000`. */
  address: string;
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/**
 * Starts Parley from an environment: config, store (migrated), sources, HTTP.
 * `options.signal`, once aborted, stops waiting for destinations to connect (they keep trying in the background).
 * @throws ParleyError (config, connector or migration problems) before anything listens
 */
export async function start(environment: Environment, options: { signal?: AbortSignal } = {}): Promise<RunningParley> {
  const loaded = readConfig(environment.configPath, environment.variables);
  const { config } = loaded;
  const logger = createLogger(environment.logLevel, undefined, environment.logFormat);
  const store = createStore(config.store, environment.dataDir, logger);
  const roles = config.instance.roles;
  let stopPresence: (() => void) | undefined;
  let stopWakeUps: (() => void) | undefined;
  let app: FastifyInstance | undefined;
  let dispatcherForCleanup: Dispatcher | undefined;
  try {
    await store.migrate();
    const registryOptions = { configPath: environment.configPath, cwd: process.cwd(), lineOf: loaded.lineOf, variableOf: loaded.variableOf };
    const sources = await loadSources(config.sources, registryOptions);
    const destinations = await loadDestinations(config.destinations, registryOptions);
    const sandboxes = await loadSandboxes(config.sandboxes, registryOptions);
    const mappingsDir = resolveMappingsDir(loaded);
    // The catalogs destinations last answered: planning waits for each (catalog-cache.ts).
    const catalogs: Map<string, ObjectCatalog> = loadCatalogCache(environment.dataDir, logger);
    // Mappings ship for every built-in CRM (mappings/<destination>/): a folder for a destination this
    // config does not have is not loaded, one warning line each, so a Salesforce-only deployment
    // starts with the shipped SAP mappings beside it. The files become versions in the store; edits
    // over the API and to the files (watched) replace the set in force while Parley runs.
    // eslint-disable-next-line prefer-const -- assigned once below; the registry's onChange, created first, reads it
    let planner: Planner | undefined;
    const registry = createMappingRegistry({
      store, dir: mappingsDir, destinations: destinations.map((d) => d.id), catalogs: () => catalogs,
      logger: logger.child({ component: 'mappings' }), now: () => new Date(), onChange: () => planner?.notify(),
    });
    await registry.load();
    const mappings = registry.current;
    // An empty or mis-mounted config file would otherwise start a service that takes nothing in and writes nowhere, /health green.
    if (sources.length === 0 && destinations.length === 0) throw errors.CONFIG_NOTHING_TO_DO({ path: environment.configPath });
    const metrics = createMetrics();
    const now = () => new Date();
    const dedupWindowMs = config.intake.dedupWindowHours * HOUR_MS;
    // No mappings, no planning: events stay unplanned until mappings exist.
    let dispatcher: Dispatcher | undefined;
    planner = mappings().length > 0 && roles.includes('planner')
      ? createPlanner({ store: leadGatedStore(store, 'plan'), mappings, catalogs: () => catalogs, logger: logger.child({ component: 'planner' }), now, newId: uuidv7, onPlanned: () => dispatcher?.notify(), consent: config.policies.consent })
      : undefined;
    // People (issue 20 part 4): the identities index and its linking rules run where planning does, on the plan lead only.
    const peopleIndexer: PeopleIndexer | undefined = roles.includes('planner')
      ? createPeopleIndexer({
        store, mappings, catalogs: () => catalogs, logger: logger.child({ component: 'people' }), now, newId: uuidv7, onQueued: () => dispatcher?.notify(),
        // A revoked authorization (X user_event.revoke) or a user deletion a network asks for takes
        // that identity's records out of every CRM, as X's terms ask; Parley's store keeps its events.
        onErased: async (keys) => { await eraser.eraseIdentities(keys, { requestedBy: 'source', crmOnly: true }); },
      })
      : undefined;
    // Crisis rules (rules/<id>.yaml): windows over the stored events, on the plan lead only.
    // A rule's cases for a CRM this config does not have are left out (as its mappings are): nothing would send them.
    const rules = loadRules(resolveFolder(loaded, config.rulesDir), { env: process.env })
      .map((rule) => ({ ...rule, cases: rule.cases.filter((c) => destinations.some((d) => d.id === c.destination)) }));
    const crisis: CrisisEngine | undefined = roles.includes('planner') && rules.length > 0
      ? createCrisisEngine({ store, rules: () => rules, logger: logger.child({ component: 'crisis' }), now, newId: uuidv7, onQueued: () => dispatcher?.notify() })
      : undefined;
    const deriver = createDeriver({
      store: leadGatedStore(store, 'derive'), sources, metrics, logger: logger.child({ component: 'deriver' }), now, newId: uuidv7, dedupWindowMs,
      refuse: (events) => suppression(events),
      dropFields: compileIntakeDrops(config.policies.intake),
      onEventsStored: () => { planner?.notify(); peopleIndexer?.notify(); crisis?.notify(); },
    });
    const intake = createIntake({ store, metrics, now, newId: uuidv7, maxBatch: config.intake.maxBatchDeliveries, onCommitted: deriver.notify });
    trackPending(metrics, () => store.countPendingDeliveries());
    trackOutbox(metrics, () => store.countOperations(), () => dispatcher?.status() ?? []);
    // Every source's signature and secret headers stay out of the log, whatever logs a request.
    const appLogger = withRedactedHeaders(logger, sources.flatMap((s) => [s.definition.signatureHeader, ...(s.definition.secretHeaders ?? [])]));
    // An instance without the intake role takes no webhooks: keep it out of the webhook pool.
    const served = roles.includes('intake') ? sources : [];
    let resyncRunner: ResyncRunner | undefined;
    const resyncable = [...new Set(mappings().map((m) => m.definition.target.destination))].filter((d) => destinations.some((x) => x.id === d));
    const suppression = createSuppression(store);
    const puller = createSourcePuller({
      sources, store, refuse: suppression, newId: uuidv7, now, logger: logger.child({ component: 'pulls' }),
      sandboxUrl: (connectorId) => {
        const mounted = sandboxes.find((s) => (s.connector ?? s.id) === connectorId);
        return mounted && app ? sandboxBaseUrl(app, mounted) : undefined;
      },
    });
    const resyncs = { destinations: resyncable, newId: uuidv7, onChange: () => resyncRunner?.notify(), canPull: puller.canPull };
    const eraser = createEraser({
      store, newId: uuidv7, now, logger: logger.child({ component: 'erasures' }), onQueued: () => dispatcher?.notify(),
      destinations: () => destinations.map((d) => ({ name: d.id, purge: dispatcher?.canPurge(d.id) ?? false })),
    });
    app = await buildApp({ config, store, intake, deriver, sources: served, sandboxes, dataDir: environment.dataDir, connectorStatus: () => dispatcher?.status() ?? [], onReplayed: () => dispatcher?.notify(), ...(planner ? { mappingReplayer: planner } : {}), resyncs, eraser, people: { destinations: destinations.map((d) => d.id), recordUrl: (d, object, id) => dispatcher?.recordUrl(d, object, id), onChange: () => peopleIndexer?.notify() }, mappings: { registry, catalogs: () => catalogs }, rules: () => rules, logger: appLogger, metrics, now });
    // Edited mapping files and other instances' API edits come into force without a restart.
    const stopWatchingMappings = registry.watch();
    // Legal, but rarely meant: say so once at start-up rather than leave the operator guessing.
    if (sources.length === 0) logger.warn({ config: environment.configPath }, 'no enabled sources in the config: no webhook can be taken in');
    if (config.apiKeys.length === 0) logger.warn({ config: environment.configPath }, 'no API keys in the config: the /v1 API refuses every request');
    // One line per demo default in use, naming what replaces it: a demo never passes for production silently.
    const demos = demoDefaultsInUse(config, loaded.raw);
    if (config.demoDefaults === 'refuse' && demos.length > 0) {
      throw errors.CONFIG_DEMO_DEFAULTS({ path: environment.configPath, issues: demos.map((d) => ({ key: d.key, problem: `${d.what}: ${d.fix}`, ...(loaded.lineOf(d.key) ? { line: loaded.lineOf(d.key)! } : {}) })) });
    }
    for (const demo of demos) {
      logger.warn({ key: demo.key, replaceWith: demo.replaceWith }, `demo default in use: ${demo.what}; ${demo.fix} before exposing Parley`);
    }
    const address = await app.listen({ host: environment.host, port: environment.port }).catch((cause: NodeJS.ErrnoException) => {
      const reason = cause.code === 'EADDRINUSE' ? 'the port is already in use' : cause.code === 'EACCES' ? 'permission denied' : cause.code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : cause.message;
      throw errors.SERVER_LISTEN_FAILED({ host: environment.host, port: environment.port, reason }, { cause });
    });
    if (roles.includes('intake')) deriver.start();
    planner?.notify();
    peopleIndexer?.notify();
    crisis?.start();
    const owner = instanceId(environment.instanceId, environment.dataDir);
    // Other instances sharing the store: this one says it is alive, reaps the silent ones' leases,
    // and acts on their wake-ups at once (polling stays the safety net: a heartbeat is also a poll).
    const wake = { deliveries: () => deriver.poll(), events: () => { planner?.notify(); peopleIndexer?.notify(); crisis?.notify(); }, operations: () => dispatcher?.notify() };
    stopWakeUps = store.onWake((topic) => wake[topic]());
    stopPresence = startPresence({
      store, instance: owner.id, roles, now, logger: logger.child({ component: 'instances' }),
      onReaped: () => dispatcher?.notify(),
      onTick: () => {
        if (roles.includes('intake')) deriver.poll();
        planner?.notify();
        peopleIndexer?.notify();
        crisis?.notify();
        // Erasures whose deletes are over lose their last identifiers (any planner instance may; it is idempotent).
        if (roles.includes('planner')) eraser.finishRunning().catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'finishing erasures failed; will retry'));
      },
    });
    if (mappings().length > 0 && destinations.length > 0 && roles.includes('dispatcher')) {
      // Leases are held under a stable instance id: what a crash of this instance left leased is
      // given back now, not after the lease time (only writes marked sent are looked up first).
      const released = await store.releaseLeases(owner.id, { now: now() });
      logger.info({ instanceId: owner.id, from: owner.from, ...(released > 0 ? { released } : {}) },
        released > 0 ? 'took over the leases a previous run of this instance left' : 'dispatching as this instance');
      dispatcher = dispatcherForCleanup = createDispatcher({
        store, destinations, mappings, logger: logger.child({ component: 'dispatcher' }), now, random: Math.random,
        owner: owner.id,
        ...(config.redis.url ? { sharedLimits: { url: config.redis.url, keyPrefix: `${config.redis.keyPrefix}:`, expirationMs: config.redis.callExpirationMs } } : {}),
        // The sandbox on this same server, at the URL it gives itself (so its instance_url is the login's own host).
        sandboxUrl: (connectorId) => {
          const mounted = sandboxes.find((s) => (s.connector ?? s.id) === connectorId);
          return mounted && app ? sandboxBaseUrl(app, mounted) : undefined;
        },
        onCatalog: (destination, catalog) => {
          catalogs.set(destination, catalog);
          try { saveCatalog(environment.dataDir, destination, catalog); } catch (err) { logger.warn({ err, destination }, 'could not keep the catalog for the next start'); }
          planner?.notify();
        },
        metrics,
        retry: { stepsMs: config.outbox.retryStepsMs, maxAgeMs: config.outbox.retryForHours * HOUR_MS },
        leaseMs: config.outbox.leaseMs, lingerMs: lingerAfterPartialRound(config.outbox.freshnessMs, config.outbox.lingerMs),
      });
      // A mapping that does not fit its CRM's catalog stops start-up, naming file, mapping and field.
      // A CRM that cannot be reached does not: intake keeps working and the dispatcher retries.
      // A stop asked for meanwhile cuts the wait short: a CRM slow to answer must not hold up a shutdown.
      const misfits = await dispatcher.connectAll(options.signal);
      if (misfits.length > 0) {
        const files = [...new Set(misfits.map((m) => m.file))];
        throw errors.MAPPING_INVALID({
          file: files.join(', '),
          issues: misfits.map((m) => ({ key: `${files.length > 1 ? `${m.file} ` : ''}${m.mapping}: ${m.key}`, problem: m.problem, ...(m.line ? { line: m.line } : {}) })),
          problems: misfits.map((m) => ({ file: m.file, line: m.line ?? 1, column: m.column ?? 1, mappingId: m.mapping, ...(m.field !== undefined ? { field: m.field } : {}), key: m.key, message: m.problem })),
        });
      }
      // Asked to stop during start-up: nothing more to begin.
      if (!options.signal?.aborted) dispatcher.start();
    }
    // Resync jobs run where planning may (any such instance: a job is leased to one at a time).
    if (mappings().length > 0 && roles.includes('planner')) {
      resyncRunner = createResyncRunner({ store, mappings, catalogs: () => catalogs, owner: owner.id, pull: puller.pull, logger: logger.child({ component: 'resyncs' }), now, newId: uuidv7, onPlanned: () => dispatcher?.notify(), consent: config.policies.consent });
      if (!options.signal?.aborted) resyncRunner.start();
    }
    const prune = setInterval(() => {
      store.pruneDedupKeys(new Date(now().getTime() - dedupWindowMs)).catch((err: unknown) => logger.warn({ err }, 'pruning dedup keys failed; will retry'));
    }, HOUR_MS);
    prune.unref();
    // Retention (policies.retention) runs where planning may, on the plan lead only (it checks at each run).
    const retention = roles.includes('planner') ? createRetentionJob({ store, policy: config.policies.retention, logger: logger.child({ component: 'retention' }), now }) : undefined;
    retention?.start();
    logger.info({ address, roles, store: store.driver, sources: sources.map((s) => s.id), destinations: destinations.map((d) => d.id), mappings: mappings().length, sandboxes: sandboxes.map((s) => `/sandbox/${s.id}`), dataDir: environment.dataDir }, 'parley listening');

    const server = app;
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= (async () => {
      clearInterval(prune);
      await retention?.stop();
      stopPresence?.();
      stopWakeUps?.();
      stopWatchingMappings();
      await resyncRunner?.stop();
      // First stop sending: the built-in sandbox the dispatcher may be calling is served by this app.
      // The waits add up to about 8 s, inside main.ts's 10 s deadline: a round still sending after
      // 4 s has its leases given back, and what is left to derive or plan is done at the next start.
      await dispatcher?.stop({ graceMs: 4_000 });
      await server.close();
      await intake.drain();
      await deriver.catchUp(2_000);
      await deriver.stop();
      await planner?.catchUp(1_000);
      await planner?.stop();
      await peopleIndexer?.stop();
      await crisis?.stop();
      await store.close();
    })());
    return { app: server, store, intake, deriver, destinations, get mappings() { return mappings(); }, registry, planner, dispatcher: () => dispatcher, logger, address, stop };
  } catch (error) {
    stopPresence?.();
    stopWakeUps?.();
    await dispatcherForCleanup?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await store.close();
    throw error;
  }
}
