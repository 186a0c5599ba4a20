/**
 * The one catalogue of Parley's errors. Every failure a user or operator can see has a stable
 * `PARLEY_<AREA>_<WHAT>` code, an HTTP status and a message template; `docs/errors.md` lists them
 * all, and a test fails when the two disagree.
 *
 * Errors are recognised by their brand (`isParleyError`), never by `instanceof`: a plugin may bundle
 * its own copy of the SDK, and two copies of a class are two classes.
 */

const BRAND = Symbol.for('parley.error');

/** Details attached to an error; rendered as `error.details` in the HTTP body. */
export type ErrorDetails = Record<string, unknown>;

/** A typed failure with a stable code. Rendered as `{ error: { code, message, details } }`. */
export class ParleyError extends Error {
  readonly [BRAND] = true;
  /** Stable code from the catalogue, e.g. `PARLEY_INTAKE_BAD_SIGNATURE`. */
  readonly code: string;
  /** HTTP status used when this error reaches a client. */
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: string, status: number, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParleyError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** True for any Parley error, including one made by another copy of this module. */
export function isParleyError(value: unknown): value is ParleyError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A catalogue entry: call it with details to make the error. */
export interface ErrorFactory<D extends ErrorDetails> {
  (details: D, options?: { cause?: unknown }): ParleyError;
  readonly code: string;
  readonly status: number;
  readonly template: string;
}

/**
 * Defines one catalogue entry. `template` may name details as `{key}`; they are filled in from
 * the details given when the error is made.
 *
 * @example const E = defineError<{ source: string }>('PARLEY_INTAKE_UNKNOWN_SOURCE', 404, 'No source "{source}"');
 */
export function defineError<D extends ErrorDetails = ErrorDetails>(code: string, status: number, template: string): ErrorFactory<D> {
  const make = (details: D, options?: { cause?: unknown }) =>
    new ParleyError(code, status, fillTemplate(template, details), details, options);
  return Object.assign(make, { code, status, template });
}

function fillTemplate(template: string, details: ErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in details ? String(details[key]) : whole));
}

/** Every error Parley raises. Keep in step with docs/errors.md. */
export const errors = {
  // Configuration and start-up
  CONFIG_NOT_FOUND: defineError<{ path: string; reason: string }>('PARLEY_CONFIG_NOT_FOUND', 500, 'Config file {path} {reason}'),
  CONFIG_UNREADABLE: defineError<{ path: string; reason: string }>('PARLEY_CONFIG_UNREADABLE', 500, 'Config file {path} is not valid YAML: {reason}'),
  CONFIG_INVALID: defineError<{ path: string; issues: Array<{ key: string; problem: string }> }>(
    'PARLEY_CONFIG_INVALID', 500, 'Config file {path} is invalid'),
  CONFIG_MISSING_VARIABLE: defineError<{ path: string; variables: Array<{ variable: string; key: string; line?: number }> }>(
    'PARLEY_CONFIG_MISSING_VARIABLE', 500, 'Config file {path} uses environment variables that are not set and have no default'),
  CONFIG_VARIABLE_CONFLICT: defineError<{ path: string; key: string; line?: number; variable: string; fileVariable: string }>(
    'PARLEY_CONFIG_VARIABLE_CONFLICT', 500, 'Config key {key} uses ${{variable}}, and both {variable} and {fileVariable} are set: set only one'),
  CONFIG_SECRET_FILE_UNREADABLE: defineError<{ path: string; key: string; line?: number; variable: string; file: string; reason: string }>(
    'PARLEY_CONFIG_SECRET_FILE_UNREADABLE', 500, 'Config key {key} reads {variable}, but its file {file} cannot be read: {reason}'),
  CONFIG_NOTHING_TO_DO: defineError<{ path: string }>('PARLEY_CONFIG_NOTHING_TO_DO', 500, 'Config file {path} enables no source and no destination: Parley would take nothing in and write nowhere'),
  CONFIG_DEMO_DEFAULTS: defineError<{ path: string; issues: Array<{ key: string; problem: string; line?: number }> }>(
    'PARLEY_CONFIG_DEMO_DEFAULTS', 500, 'Config file {path} says demoDefaults: refuse, and uses documented demo values'),
  CONFIG_MAPPINGS_DIR_MISSING: defineError<{ mappingsDir: string; resolved: string; configPath: string; line?: number }>(
    'PARLEY_CONFIG_MAPPINGS_DIR_MISSING', 500, 'mappingsDir "{mappingsDir}" resolves to {resolved} (from the config file {configPath}), which does not exist or is not a folder'),
  // `connector` is what the config names: a built-in id, or a plugin's `module` (path or package name); `key` the block.
  CONNECTOR_UNKNOWN: defineError<{ key: string; connector: string; reason: string; builtIn: string[] }>('PARLEY_CONNECTOR_UNKNOWN', 500, 'Config key {key} names connector "{connector}", which could not be loaded: {reason}'),
  CONNECTOR_INVALID_DEFINITION: defineError<{ key: string; connector: string; issues: Array<{ key: string; problem: string }> }>(
    'PARLEY_CONNECTOR_INVALID_DEFINITION', 500, 'Config key {key} names connector "{connector}", whose definition is invalid'),
  // `id` is the definition's own id.
  CONNECTOR_SDK_MISMATCH: defineError<{ key: string; connector: string; id: string; wants: string; sdk: string }>(
    'PARLEY_CONNECTOR_SDK_MISMATCH', 500, 'Config key {key} names connector "{connector}", which supports SDK {wants}, but this Parley has SDK {sdk}'),
  DESTINATION_CONFIG: defineError<{ destination: string; reason: string; vendorCode?: string; problem?: string; url?: string; httpStatus?: number }>(
    'PARLEY_DESTINATION_CONFIG', 500, 'Destination "{destination}" cannot connect with its configuration: {reason}'),
  DESTINATION_UNTRUSTED_HOST: defineError<{ destination: string; host: string; reason: string }>(
    'PARLEY_DESTINATION_UNTRUSTED_HOST', 500, 'Destination "{destination}" will not call {host}: {reason}'),
  DESTINATION_REDIRECTED: defineError<{ destination: string; host: string; status: number; location: string }>(
    'PARLEY_DESTINATION_REDIRECTED', 500, 'Destination "{destination}": {host} answered a redirect ({status}) to {location}; redirects are not followed with credentials'),
  DESTINATION_UNREACHABLE: defineError<{ destination: string; host: string; reason: string; cause: string; sent: boolean; httpStatus?: number; vendorCode?: string }>(
    'PARLEY_DESTINATION_UNREACHABLE', 503, 'Destination "{destination}" cannot reach {host}: {reason}'),
  // Source pulls (`from-source` resyncs, src/connectors/source-pull): `source` is the source block's name.
  PULL_UNSUPPORTED: defineError<{ source: string; reason?: string; kind?: string; kinds?: string[] }>('PARLEY_PULL_UNSUPPORTED', 422, 'Source "{source}" cannot pull that (details.reason says why)'),
  PULL_BAD_REQUEST: defineError<{ source: string; reason: string }>('PARLEY_PULL_BAD_REQUEST', 400, 'The pull from source "{source}" is invalid: {reason}'),
  PULL_BAD_CURSOR: defineError<{ source: string }>('PARLEY_PULL_BAD_CURSOR', 400, 'The pull cursor is not one source "{source}" issued'),
  PULL_FAILED: defineError<{ source: string; kind: string; reason: string; httpStatus?: number; vendorCode?: string; scope?: string }>(
    'PARLEY_PULL_FAILED', 502, 'Pulling {kind} from source "{source}" failed: {reason}'),
  PULL_RATE_LIMITED: defineError<{ source: string; kind: string; waits: number }>('PARLEY_PULL_RATE_LIMITED', 429, 'Source "{source}" refused {kind} for its rate limit {waits} times in a row, each after its reset'),
  PULL_CANCELLED: defineError<{ source: string }>('PARLEY_PULL_CANCELLED', 409, 'The pull from source "{source}" was cancelled'),
  // `problems`: each located for a person (`parley mappings check` prints them as file:line:column);
  // `issues`: the older shape, kept for what reads it (`key`, `problem`, `line`).
  MAPPING_INVALID: defineError<{
    file: string; issues: Array<{ key: string; problem: string; line?: number }>;
    problems?: Array<{ file: string; line?: number; column?: number; mappingId: string; field?: string; key: string; message: string }>;
  }>('PARLEY_MAPPING_INVALID', 500, 'Mapping file {file} is invalid'),
  SERVER_LISTEN_FAILED: defineError<{ host: string; port: number; reason: string }>('PARLEY_SERVER_LISTEN_FAILED', 500, 'Cannot listen on {host}:{port}: {reason}'),
  // Outbox conditions: never an HTTP answer, but the `lastError.code` of an operation (GET /v1/operations).
  // `object` is the parent's CRM object, `field` the reference that waits for it.
  OUTBOX_PARENT_MISSING: defineError<{ object: string; field: string }>('PARLEY_OUTBOX_PARENT_MISSING', 409, 'Waiting for a first {object} of this identity to be the parent ({field})'),
  OUTBOX_RECORD_NOT_FOUND: defineError<{ object: string; matchKey?: string; matchValue?: string }>('PARLEY_OUTBOX_RECORD_NOT_FOUND', 409, 'No {object} with {matchKey} = {matchValue} yet'),
  // `reservePercent` is the destination's budgetReserve as a percentage (10 for 0.1).
  OUTBOX_BUDGET_RESERVED: defineError<{ used: number; limit: number; reservePercent: number }>('PARLEY_OUTBOX_BUDGET_RESERVED', 429, '{used} of {limit} API calls used; {reservePercent} % is kept for other integrations'),
  OUTBOX_NO_RESULT: defineError<Record<string, never>>('PARLEY_OUTBOX_NO_RESULT', 500, 'The connector returned no result for this operation'),
  OUTBOX_INVALID_OPERATION: defineError<{ reason: string }>('PARLEY_OUTBOX_INVALID_OPERATION', 500, 'The operation cannot be sent: {reason}'),
  STORE_MIGRATION_FAILED: defineError<{ version: number; reason: string }>('PARLEY_STORE_MIGRATION_FAILED', 500, 'Store migration {version} failed: {reason}'),
  STORE_UNAVAILABLE: defineError<{ reason: string }>('PARLEY_STORE_UNAVAILABLE', 503, 'The store could not commit: {reason}'),
  STORE_DATA_DIR_UNWRITABLE: defineError<{ folder: string; path: string; systemCode: string; reason: string }>(
    'PARLEY_STORE_DATA_DIR_UNWRITABLE', 500, 'The data folder {folder} cannot be written: {reason}'),

  // Webhook intake
  INTAKE_UNKNOWN_SOURCE: defineError<{ source: string }>('PARLEY_INTAKE_UNKNOWN_SOURCE', 404, 'No webhook source "{source}" is configured'),
  INTAKE_MISSING_SIGNATURE: defineError<{ header: string }>('PARLEY_INTAKE_MISSING_SIGNATURE', 401, 'The {header} header is missing'),
  INTAKE_MALFORMED_SIGNATURE: defineError<{ header: string }>('PARLEY_INTAKE_MALFORMED_SIGNATURE', 401, 'The {header} header is not in the expected format'),
  INTAKE_BAD_SIGNATURE: defineError<{ header: string }>('PARLEY_INTAKE_BAD_SIGNATURE', 401, 'The {header} signature does not match the body'),
  INTAKE_UNSUPPORTED_MEDIA_TYPE: defineError<{ contentType: string; expected: string[] }>(
    'PARLEY_INTAKE_UNSUPPORTED_MEDIA_TYPE', 415, 'Content type "{contentType}" is not accepted here'),
  INTAKE_INVALID_JSON: defineError<{ reason: string }>('PARLEY_INTAKE_INVALID_JSON', 400, 'The body is not valid JSON: {reason}'),
  INTAKE_BODY_TOO_LARGE: defineError<{ limitBytes: number }>('PARLEY_INTAKE_BODY_TOO_LARGE', 413, 'The body is larger than {limitBytes} bytes'),
  INTAKE_BAD_HANDSHAKE: defineError<{ reason: string }>('PARLEY_INTAKE_BAD_HANDSHAKE', 400, 'The handshake request is invalid: {reason}'),
  INTAKE_HANDSHAKE_REFUSED: defineError<{ reason: string }>('PARLEY_INTAKE_HANDSHAKE_REFUSED', 403, 'The handshake was refused: {reason}'),
  INTAKE_NO_HANDSHAKE: defineError<{ source: string }>('PARLEY_INTAKE_NO_HANDSHAKE', 405, 'Source "{source}" has no handshake'),

  // Ops API and HTTP
  API_UNAUTHORIZED: defineError<{ reason: string }>('PARLEY_API_UNAUTHORIZED', 401, 'A valid API key is required: {reason}'),
  API_FORBIDDEN: defineError<{ required: string; scope: string }>('PARLEY_API_FORBIDDEN', 403, 'This needs the "{required}" scope; the key has "{scope}"'),
  API_INVALID_REQUEST: defineError<{ issues: Array<{ key: string; problem: string }> }>('PARLEY_API_INVALID_REQUEST', 400, 'The request is invalid'),
  API_BAD_CURSOR: defineError<{ cursor: string }>('PARLEY_API_BAD_CURSOR', 400, 'The cursor is not one this API issued'),
  API_EVENT_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_EVENT_NOT_FOUND', 404, 'No event {id}'),
  API_NOT_REPLAYABLE: defineError<{ id: string; stage: string; reason: string }>('PARLEY_API_NOT_REPLAYABLE', 409, 'Dead letter {id} cannot be replayed: {reason}'),
  API_REPLAY_MAPPING_FAILED: defineError<{ id: string; mappingId: string; eventId: string; problems: Array<{ key: string; problem: string }> }>(
    'PARLEY_API_REPLAY_MAPPING_FAILED', 422, 'Dead letter {id} was not replayed: mapping {mappingId} still fails on its event'),
  API_DEAD_LETTER_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_DEAD_LETTER_NOT_FOUND', 404, 'No dead letter {id}'),
  API_ERASURE_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_ERASURE_NOT_FOUND', 404, 'No erasure {id}'),
  API_ERASURE_PERSON_NOT_FOUND: defineError<{ personId: string }>('PARLEY_API_ERASURE_PERSON_NOT_FOUND', 404, 'No person {personId} to erase'),
  API_PERSON_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_PERSON_NOT_FOUND', 404, 'No person {id}'),
  API_IDENTITY_NOT_FOUND: defineError<{ key: string }>('PARLEY_API_IDENTITY_NOT_FOUND', 404, 'No identity {key}'),
  API_PERSON_LINK_NOT_FOUND: defineError<{ id: string; identityKey: string }>('PARLEY_API_PERSON_LINK_NOT_FOUND', 404, 'Identity {identityKey} is not linked to person {id}'),
  API_PERSON_LAST_IDENTITY: defineError<{ id: string; identityKey: string }>('PARLEY_API_PERSON_LAST_IDENTITY', 409, 'Identity {identityKey} is the only identity of person {id}: there is nothing to unmerge'),
  API_IDENTITY_LINK_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_IDENTITY_LINK_NOT_FOUND', 404, 'No identity link {id}'),
  API_RESYNC_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_RESYNC_NOT_FOUND', 404, 'No resync {id}'),
  // `problems`: each located for a person, as mappings' are (`file:line:column`, the key, a message).
  RULE_INVALID: defineError<{ file: string; problems: Array<{ file: string; line?: number; column?: number; ruleId: string; key: string; message: string }> }>(
    'PARLEY_RULE_INVALID', 500, 'Crisis rule file {file} is invalid'),
  API_RULE_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_RULE_NOT_FOUND', 404, 'No crisis rule {id} is loaded'),
  API_INCIDENT_NOT_FOUND: defineError<{ id: string }>('PARLEY_API_INCIDENT_NOT_FOUND', 404, 'No incident {id}'),
  API_MAPPING_NOT_FOUND: defineError<{ id: string; version?: number }>('PARLEY_API_MAPPING_NOT_FOUND', 404, 'No mapping {id} is in force'),
  API_MAPPING_REFUSED: defineError<{ id: string; problems: Array<{ file: string; line?: number; column?: number; mappingId: string; field?: string; key: string; message: string }> }>(
    'PARLEY_API_MAPPING_REFUSED', 422, 'Mapping {id} was not saved: it does not pass its checks (details.problems); the version in force, if any, stays'),
  API_MAPPING_VERSION_MISMATCH: defineError<{ id: string; ifMatch: string; current: string | null }>(
    'PARLEY_API_MAPPING_VERSION_MISMATCH', 412, 'Mapping {id} changed since version {ifMatch} (now {current}): read it again and apply your change to that version'),
  API_MAPPING_CATALOG_UNKNOWN: defineError<{ id: string; destination: string }>('PARLEY_API_MAPPING_CATALOG_UNKNOWN', 409, 'Mapping {id} cannot be checked yet: {destination} has not connected since Parley started, and its catalog is needed to check the mapping; try again once GET /v1/connectors shows it ready'),
  API_MAPPING_BODY_INVALID: defineError<{ reason: string }>('PARLEY_API_MAPPING_BODY_INVALID', 400, 'The mapping body cannot be read: {reason}'),
  API_RESYNC_INVALID: defineError<{ reason: string; destination?: string; known?: string[] }>('PARLEY_API_RESYNC_INVALID', 400, 'This resync cannot run: {reason}'),
  SANDBOX_LOOPBACK_ONLY: defineError<{ sandbox: string }>('PARLEY_SANDBOX_LOOPBACK_ONLY', 403, 'The {sandbox} sandbox answers clients on this machine only; its config block can say public: true'),
  HTTP_NOT_FOUND: defineError<{ method: string; url: string }>('PARLEY_HTTP_NOT_FOUND', 404, 'No route {method} {url}'),
  HTTP_BAD_REQUEST: defineError<{ reason: string }>('PARLEY_HTTP_BAD_REQUEST', 400, 'Bad request: {reason}'),
  HTTP_HEADERS_TOO_LARGE: defineError<Record<string, never>>('PARLEY_HTTP_HEADERS_TOO_LARGE', 431, 'The request headers are larger than the server accepts'),
  HTTP_TIMEOUT: defineError<{ timeoutMs: number }>('PARLEY_HTTP_TIMEOUT', 408, 'The request took longer than {timeoutMs} ms'),
  // Refused by Node's HTTP server or Fastify's router before any route runs (src/http/framework-refusals.ts).
  HTTP_URL_TOO_LONG: defineError<{ maxParamLength: number }>('PARLEY_HTTP_URL_TOO_LONG', 414, 'A path segment of the URL is longer than {maxParamLength} characters'),
  HTTP_BAD_URL: defineError<Record<string, never>>('PARLEY_HTTP_BAD_URL', 400, 'The URL is not valid: a percent-encoded part does not decode'),
  HTTP_EXPECTATION_FAILED: defineError<Record<string, never>>('PARLEY_HTTP_EXPECTATION_FAILED', 417, 'The Expect header asks for something other than 100-continue, the only expectation supported'),
  HTTP_HOST_REQUIRED: defineError<Record<string, never>>('PARLEY_HTTP_HOST_REQUIRED', 400, 'An HTTP/1.1 request needs a Host header'),
  HTTP_UNSUPPORTED_MEDIA_TYPE: defineError<{ contentType: string; expected: string[] }>('PARLEY_HTTP_UNSUPPORTED_MEDIA_TYPE', 415, 'Content type "{contentType}" is not accepted here'),
  HTTP_SHUTTING_DOWN: defineError<Record<string, never>>('PARLEY_HTTP_SHUTTING_DOWN', 503, 'The server is shutting down; send the request again'),
  INTERNAL: defineError<{ reqId?: string }>('PARLEY_INTERNAL', 500, 'Internal error; the log has the details'),
  NOT_READY: defineError<{ reason: string }>('PARLEY_NOT_READY', 503, 'Not ready: {reason}'),
  // The ops CLI (src/cli/): raised on the client side, printed as one line, never an HTTP answer.
  CLI_UNREACHABLE: defineError<{ url: string; reason: string }>('PARLEY_CLI_UNREACHABLE', 503, 'Cannot reach Parley at {url}: {reason}'),
  CLI_BAD_RESPONSE: defineError<{ url: string; status: number; reason: string }>(
    'PARLEY_CLI_BAD_RESPONSE', 502, 'Parley at {url} answered HTTP {status} without the API\'s JSON: {reason}'),
  CLI_CONFIRMATION_REQUIRED: defineError<{ personId: string }>(
    'PARLEY_CLI_CONFIRMATION_REQUIRED', 400, 'Erasing person {personId} cannot be undone, and stdin is not a terminal to ask on: pass --yes'),
  CLI_NOT_CONFIRMED: defineError<{ personId: string }>('PARLEY_CLI_NOT_CONFIRMED', 400, 'Person {personId} was not erased: the confirmation was not given'),
} as const;

export type ErrorName = keyof typeof errors;

// Dead-letter reasons

/**
 * A reason code Parley itself gives a dead letter (`reasonCode` in `GET /v1/dead-letters`, and the
 * `reasonCode` filter of a replay). Not an error: never an HTTP answer, so it has no status; and
 * it has no `PARLEY_` prefix, because stored dead letters and API users' filters already use these
 * values (`reasonCode=MAPPING_FAILED`).
 */
export interface DeadLetterReason<C extends string = string> {
  readonly code: C;
  /** The stage of the dead letters that carry it. */
  readonly stage: 'intake' | 'mapping' | 'delivery';
}

function defineDeadLetterReason<C extends string>(code: C, stage: DeadLetterReason['stage']): DeadLetterReason<C> {
  return { code, stage };
}

/**
 * Every reason code Parley gives a dead letter of its own. Keep in step with docs/errors.md
 * ("Dead-letter reasons"). A letter of stage `delivery` carries the code of its operation's last
 * error instead: the CRM's own (the connector's `describeError`), a `PARLEY_…` code above, or
 * `UNKNOWN`.
 */
export const deadLetterReasons = {
  /** The source's parser refused the payload (`PayloadError`), or the body is not JSON. */
  PAYLOAD_INVALID: defineDeadLetterReason('PAYLOAD_INVALID', 'intake'),
  /** The source's parser threw, produced events the canonical model refuses, or the source is gone. */
  PARSER_FAILED: defineDeadLetterReason('PARSER_FAILED', 'intake'),
  /** A mapping could not turn an event into an operation. */
  MAPPING_FAILED: defineDeadLetterReason('MAPPING_FAILED', 'mapping'),
  /** An operation's last error had no code (a connector that rejected with a bare error). */
  UNKNOWN: defineDeadLetterReason('UNKNOWN', 'delivery'),
} as const;

export type DeadLetterReasonCode = (typeof deadLetterReasons)[keyof typeof deadLetterReasons]['code'];
