import { z } from 'zod';
import { PoliciesConfig } from '../policies/policy-schema.ts';

// YAML and `${VAR}` substitution both produce strings; accept "3000" where a number is meant.
const numberFromText = (schema: z.ZodNumber) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), schema);

const booleanFromText = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

/** `enabled`: also false when empty, as `${VAR:+true}` gives for an unset VAR. */
const enabledFromText = z.preprocess((v) => (v === '' ? false : v), booleanFromText);

/** The API key scopes, weakest first: each scope includes the ones before it. */
export const Scope = z.enum(['read', 'operate', 'admin']);
export type Scope = z.infer<typeof Scope>;

export const ApiKeyConfig = z.object({
  /** A label for logs; the key itself is never logged. */
  name: z.string().min(1),
  key: z.string().min(16, 'an API key needs at least 16 characters'),
  scope: Scope,
}).strict();

/** Keys every source block has, whatever its connector; the rest goes to the connector's own schema. */
export const SourceCommonConfig = z.object({
  /** Built-in connector id; defaults to the block's name. */
  connector: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  /** A plugin's module name or path, instead of a built-in connector. */
  module: z.string().min(1).optional(),
  /** Largest body accepted, in bytes (default: the connector's, 1 MiB for the built-ins). */
  bodyLimitBytes: numberFromText(z.number().int().min(1024).max(64 * 1024 * 1024)).optional(),
  /** Off: the block is kept but no route is served. An empty value (an unset `${VAR:+true}`) is off. */
  enabled: enabledFromText.default(true),
});
export const SOURCE_COMMON_KEYS = ['connector', 'module', 'bodyLimitBytes', 'enabled'] as const;

/** Keys every destination block has; the rest goes to the connector's own schema. */
export const DestinationCommonConfig = z.object({
  /** Built-in connector id (`salesforce`); defaults to the block's name. */
  connector: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  /** A plugin's module name or path, instead of a built-in connector. */
  module: z.string().min(1).optional(),
  enabled: booleanFromText.default(true),
  /** Share of the CRM's API quota left for the org's other integrations (0.1 = 10 %): Parley pauses before using it. */
  budgetReserve: numberFromText(z.number().min(0).max(0.9)).default(0.1),
  /**
   * While paused for the budget reserve or the CRM's quota: seconds between two readings of the
   * usage with the vendor's cheapest call (Salesforce `/limits`); it resumes once budget is back.
   */
  usageProbeSeconds: numberFromText(z.number().int().min(5).max(300)).default(15),
  /** Calls in flight at once (default: the connector's). */
  maxConcurrent: numberFromText(z.number().int().min(1).max(25)).optional(),
  /** Least time between two calls' starts, ms (default: the connector's). */
  minTimeMs: numberFromText(z.number().int().min(0).max(60_000)).optional(),
  /**
   * Hosts trusted beyond the configured URL's and the vendor's own (`api.example.com`, `*.example.com`,
   * optionally `:port`): where a login's instance URL may point, e.g. a proxy or a custom domain.
   */
  allowedHosts: z.array(z.string().regex(/^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$/, 'a host name such as api.example.com or *.example.com')).default([]),
  /** Most time to open a connection to the CRM (TCP and TLS), ms. */
  connectTimeoutMs: numberFromText(z.number().int().min(100).max(120_000)).default(10_000),
  /** Most time to wait for the CRM's answer to a call, ms: a CRM that does not answer in time is `unreachable`. */
  responseTimeoutMs: numberFromText(z.number().int().min(100).max(600_000)).default(60_000),
  /**
   * Every delete to this CRM (a post deleted at the source too, not only an erasure's) deletes for
   * good where the connector can (`purge`: Salesforce's Bulk API 2.0 hardDelete, which needs the
   * "Bulk API Hard Delete" permission); otherwise a deleted record stays in the CRM's recycle bin.
   * Erasures always purge where they can.
   */
  purgeDeletes: booleanFromText.default(false),
  /**
   * Fewest writes of one object a resync sends as one bulk job, where the connector has bulk jobs
   * (Salesforce: Bulk API 2.0 ingest); smaller groups go through the usual calls. Default: the
   * connector's `limits.bulk.minRecords` (Salesforce 2,000). Above the connector's `maxRecords`,
   * resyncs never go in bulk. Below its `minRecords`, a smaller group still goes through the usual
   * calls (the connector's own floor: a job costs more calls than it saves).
   */
  bulkMinRecords: numberFromText(z.number().int().min(1)).optional(),
  /**
   * Retries inside one call for what the connector classifies as transient (503, a row lock, a lost
   * connection), with exponential backoff between `minDelayMs` and `maxDelayMs` (the destination kit's).
   * What still fails goes back to the outbox, whose own schedule retries it later.
   */
  retry: z.object({
    retries: numberFromText(z.number().int().min(0).max(10)).default(3),
    minDelayMs: numberFromText(z.number().int().min(0).max(60_000)).default(500),
    maxDelayMs: numberFromText(z.number().int().min(0).max(300_000)).default(4_000),
  }).strict().default({ retries: 3, minDelayMs: 500, maxDelayMs: 4_000 }),
});
export const DESTINATION_COMMON_KEYS = ['connector', 'module', 'enabled', 'budgetReserve', 'usageProbeSeconds', 'maxConcurrent', 'minTimeMs', 'allowedHosts', 'connectTimeoutMs', 'responseTimeoutMs', 'retry', 'purgeDeletes', 'bulkMinRecords'] as const;

/** A sandbox block: the connector's own sandbox options, plus where a plugin connector comes from. */
export const SandboxCommonConfig = z.object({
  /** A plugin's module name or path; built-in connectors are found by the block's name. */
  module: z.string().min(1).optional(),
  /**
   * The built-in connector whose sandbox this is, when the block's name (its path,
   * `/sandbox/<name>`) is another: `meta: { connector: facebook }` serves the Graph API that
   * Facebook's and Instagram's pulls read at `/sandbox/meta`.
   */
  connector: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  enabled: booleanFromText.default(true),
  /**
   * Answer clients that are not on this machine too. Off by default: a sandbox's demo login reads
   * every record Parley wrote (posts, DMs) and its `_faults` route changes its behaviour.
   */
  public: booleanFromText.default(false),
  /**
   * The sandbox's own absolute URL, for the URLs it answers (a login's `instance_url`); default
   * `http://127.0.0.1:<PORT>/sandbox/<id>`. Set it when clients reach the sandbox by another name.
   */
  baseUrl: z.string().regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'an absolute http(s) URL').optional(),
});
export const SANDBOX_COMMON_KEYS = ['module', 'connector', 'enabled', 'public', 'baseUrl'] as const;

export const ServerConfig = z.object({
  /** Longest a client may take to send a whole request (Node `requestTimeout`), ms. */
  requestTimeoutMs: numberFromText(z.number().int().min(100).max(600_000)).default(15_000),
  /** Longest a client may take to send the request headers (Node `headersTimeout`), ms. */
  headersTimeoutMs: numberFromText(z.number().int().min(100).max(600_000)).default(10_000),
  /** Idle socket timeout (Fastify `connectionTimeout`), ms. */
  connectionTimeoutMs: numberFromText(z.number().int().min(100).max(3_600_000)).default(60_000),
  /** How long an idle keep-alive connection stays open, ms. */
  keepAliveTimeoutMs: numberFromText(z.number().int().min(100).max(600_000)).default(5_000),
  /** How often Node checks requests against the timeouts above, ms. */
  timeoutCheckIntervalMs: numberFromText(z.number().int().min(10).max(60_000)).default(1_000),
}).strict();

/** A PostgreSQL connection URL, or empty (unset: the embedded SQLite). */
const DatabaseUrl = z.string().trim().refine((url) => url === '' || /^postgres(?:ql)?:\/\/[^\s]+$/.test(url),
  'a PostgreSQL URL: postgres://user[:password]@host[:port]/database');

export const StoreConfig = z.object({
  /**
   * `postgres` for several instances sharing one database, `sqlite` for the embedded file.
   * Unset: PostgreSQL when `postgres.url` is set, SQLite otherwise (the shipped configs read
   * `DATABASE_URL` into `postgres.url`).
   */
  driver: z.enum(['sqlite', 'postgres']).optional(),
  sqlite: z.object({
    /** Database file, relative to PARLEY_DATA_DIR unless absolute. */
    file: z.string().min(1).default('parley.db'),
    /**
     * `full` fsyncs every commit (survives power loss); `normal` survives a crashed or killed
     * process but may lose the last commits on power loss. See SQLite's PRAGMA synchronous.
     */
    synchronous: z.enum(['full', 'normal']).default('full'),
  }).strict().default({ file: 'parley.db', synchronous: 'full' }),
  postgres: z.object({
    /** `postgres://user:password@host:5432/database`; empty means not configured. */
    url: DatabaseUrl.default(''),
    /** The schema Parley's tables live in (created when missing). */
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').default('public'),
    /** Most connections this instance opens for its work (two more: wake-ups and the lead lock). */
    poolSize: numberFromText(z.number().int().min(2).max(100)).default(10),
  }).strict().default({ url: '', schema: 'public', poolSize: 10 }),
}).strict().superRefine((store, ctx) => {
  if (store.driver === 'postgres' && store.postgres.url === '') {
    ctx.addIssue({ code: 'custom', path: ['postgres', 'url'], message: 'driver is postgres but no URL is set (DATABASE_URL in the shipped configs)' });
  }
});

/** The store a config chooses: `driver`, or PostgreSQL when its URL is set. */
export function storeDriver(store: z.infer<typeof StoreConfig>): 'sqlite' | 'postgres' {
  return store.driver ?? (store.postgres.url !== '' ? 'postgres' : 'sqlite');
}

/** What an instance runs. Several instances sharing PostgreSQL may each run some of them. */
export const INSTANCE_ROLES = ['intake', 'planner', 'dispatcher'] as const;
export type InstanceRole = (typeof INSTANCE_ROLES)[number];

/** `intake,planner,dispatcher`, `all`, or a YAML list: read from `PARLEY_ROLES` in the shipped configs. */
const Roles = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === 'all' || v.trim() === '' ? [...INSTANCE_ROLES] : v.split(',').map((r) => r.trim())) : v),
  z.array(z.enum(INSTANCE_ROLES)).min(1, 'at least one role: intake, planner, dispatcher (or all)'),
);

export const InstanceConfig = z.object({
  /**
   * `intake` takes webhooks in and turns deliveries into events; `planner` runs the mappings;
   * `dispatcher` writes to the CRMs. Among instances sharing a database, one at a time derives and
   * one at a time plans (a lock each); every dispatcher shares the outbox.
   */
  roles: Roles.default([...INSTANCE_ROLES]),
}).strict();

export const RedisConfig = z.object({
  /** `redis://[:password@]host:6379[/db]`; set: every instance shares each CRM's limits; empty: per-instance limits. */
  url: z.string().trim().refine((url) => url === '' || /^rediss?:\/\/[^\s]+$/.test(url), 'a Redis URL: redis://host:6379').default(''),
  /** Prefix of Parley's keys in Redis: instances sharing limits use the same; another deployment on the same Redis, its own. */
  keyPrefix: z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'letters, digits and : . _ -').default('parley'),
  /**
   * Longest a call counts against a destination's shared `maxConcurrent`, ms. An instance killed
   * mid-call cannot give its place back: the others get it after this. A call still running then
   * stops counting (for a moment one more call may run than `maxConcurrent`; `minTimeMs` still holds).
   */
  callExpirationMs: numberFromText(z.number().int().min(1_000).max(600_000)).default(15_000),
}).strict();

export const IntakeConfig = z.object({
  /** How long an event key is remembered for deduplication, in hours. */
  dedupWindowHours: numberFromText(z.number().positive().max(24 * 365)).default(72),
  /** Most deliveries committed in one transaction. */
  maxBatchDeliveries: numberFromText(z.number().int().min(1).max(10_000)).default(1_000),
}).strict();

/** How the outbox delivers: retries, leases, batching. */
export const OutboxConfig = z.object({
  /** Waits before the 1st, 2nd, … retry, ms; each is the most of a random wait (full jitter); the last repeats. */
  retryStepsMs: z.array(numberFromText(z.number().int().min(0))).min(1).default([10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000]),
  /** After this many hours since it was planned, an operation is not retried: it is dead (a dead letter to replay). */
  retryForHours: numberFromText(z.number().positive().max(24 * 30)).default(72),
  /** How long a dispatcher holds an operation before another may take it over, ms. */
  leaseMs: numberFromText(z.number().int().min(1_000).max(3_600_000)).default(60_000),
  /**
   * The freshness budget: how long a record may take from its 200 at intake to the CRM (p99), ms.
   * Within it, calls are filled as full as the traffic allows (three fifths of it are spent waiting for
   * more operations to share a call after a partial round); a backlog is sent at once, full.
   */
  freshnessMs: numberFromText(z.number().int().min(100).max(600_000)).default(2_000),
  /** Instead of three fifths of the freshness budget: the wait after a round that filled less than a batch, ms. */
  lingerMs: numberFromText(z.number().int().min(0).max(60_000)).optional(),
}).strict();

/** The whole `parley.yaml`, after `${VAR}` substitution. */
export const ParleyConfig = z.object({
  server: ServerConfig.default(ServerConfig.parse({})),
  store: StoreConfig.default(StoreConfig.parse({})),
  /** This instance's roles (default: all three). */
  instance: InstanceConfig.default(InstanceConfig.parse({})),
  /** Shared CRM limits across instances. */
  redis: RedisConfig.default(RedisConfig.parse({})),
  intake: IntakeConfig.default(IntakeConfig.parse({})),
  outbox: OutboxConfig.default(OutboxConfig.parse({})),
  /** The mapping files' folder (`<dir>/<destination>/<id>.yaml`), relative to the config file. */
  mappingsDir: z.string().min(1).default('mappings'),
  /** Crisis rules (`<id>.yaml`), relative to the config file unless absolute; a missing folder means no rules. */
  rulesDir: z.string().min(1).default('rules'),
  /**
   * What a documented demo value (the demo admin key, X secret, OAuth client; a mounted sandbox)
   * does at start-up: `warn` (one line each) or `refuse` (start-up stops listing them; what
   * parley.production.yaml says).
   */
  demoDefaults: z.enum(['warn', 'refuse']).default('warn'),
  apiKeys: z.array(ApiKeyConfig).default([]),
  sources: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a source id is lower-case kebab-case'),
    SourceCommonConfig.catchall(z.unknown())).default({}),
  /** CRMs Parley writes to, by name. */
  destinations: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a destination name is lower-case kebab-case'),
    DestinationCommonConfig.catchall(z.unknown())).default({}),
  /** Vendor simulators to mount at `/sandbox/<connector id>` (an empty block takes the defaults). */
  sandboxes: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a sandbox is named by its connector id'),
    z.preprocess((v) => v ?? {}, SandboxCommonConfig.catchall(z.unknown()))).default({}),
  /** Data-gathering policies: fields dropped at intake, retention, consent (src/policies/policy-schema.ts). */
  policies: PoliciesConfig.default(PoliciesConfig.parse({})),
}).strict();
export type ParleyConfig = z.infer<typeof ParleyConfig>;
export type SourceBlock = ParleyConfig['sources'][string];
export type DestinationBlock = ParleyConfig['destinations'][string];
export type SandboxBlock = ParleyConfig['sandboxes'][string];
