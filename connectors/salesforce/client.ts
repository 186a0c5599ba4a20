import jsforce from 'jsforce';
import pRetry, { AbortError } from 'p-retry';
import {
  destinationConfigError, isParleyError, resultFor, type OutboundClient,
  type CatalogObject, type DestinationClient, type DestinationContext, type ObjectCatalog, type UsageReading,
  type VendorError, type WriteBatch, type WriteOperation, type WriteResult,
} from '../../src/connectors/index.ts';
import { toCatalogObject, type DescribeResult } from './catalog.ts';
import { freshestUsage, type DailyApiUsage } from './limits.ts';
import { lookupQueries } from './soql-in.ts';
import { classifySalesforceError, outcomeUnknown, vendorError } from './classify.ts';
import type { SalesforceConfig } from './config.ts';
import { defaultAudience, jwtAssertion } from './jwt.ts';
import { checkingTokenAnswers } from './token-answer.ts';
import { useOutboundTransport } from './transport.ts';

type Connection = InstanceType<typeof jsforce.Connection>;

/** A per-record item of an sObject Collections answer (reference §4). */
interface SaveResultItem {
  id?: string;
  success: boolean;
  errors?: Array<{ statusCode?: string; message?: string; fields?: string[] }>;
  created?: boolean;
}

/** A Salesforce record id: 15 or 18 base-62 characters. */
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A result item, marked when its failure was found to hold for every record of the batch. */
type IsolatedItem = SaveResultItem & { systemic?: boolean };

/** Most records in one sObject Collections call (REST API Developer Guide, sObject Collections). */
export const COLLECTIONS_MAX = 200;

// A refresh that keeps failing must not loop: jsforce replays a 401 after every refresh.
const MAX_CONSECUTIVE_REFRESHES = 3;

/**
 * Opens a Salesforce connection with the configured OAuth flow. jsforce cannot refresh JWT-bearer
 * or client-credentials sessions itself (neither returns a refresh token, reference §1), so a
 * `refreshFn` mints a new token whenever a call answers 401 INVALID_SESSION_ID.
 * @throws ParleyError PARLEY_DESTINATION_CONFIG when Salesforce refuses the credentials, or the login
 *   URL is not a token endpoint (`details.problem` NOT_A_TOKEN_ENDPOINT);
 *   PARLEY_DESTINATION_UNREACHABLE when it cannot be reached or its login server fails (5xx, 429);
 *   PARLEY_DESTINATION_UNTRUSTED_HOST / _REDIRECTED from the outbound policy
 */
export async function connectSalesforce(config: SalesforceConfig, context: DestinationContext): Promise<DestinationClient> {
  const loginUrl = (config.loginUrl || context.sandboxUrl || '').replace(/\/+$/, '');
  if (!loginUrl) throw destinationConfigError({ destination: context.name, reason: 'loginUrl is not set and no Salesforce sandbox is mounted' });
  // Every call (token requests too) goes through the SDK's outbound policy: trusted hosts, no redirects, timeouts.
  const http = context.outbound(loginUrl);
  const now = context.now ?? (() => new Date());
  // Re-logins since the last call that went through: a session refused again right after a
  // re-login is a credentials problem, not an expiry.
  // The last re-login failure: jsforce rewraps it as a plain "Unable to refresh session" Error,
  // which would hide a login server that failed (5xx: retryable) behind a configuration error.
  const refreshes: { sinceSuccess: number; lastError?: unknown } = { sinceSuccess: 0 };

  const grant = (): { grant_type: string; [name: string]: string } => config.flow === 'client_credentials'
    ? { grant_type: 'client_credentials' }
    : {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion({ clientId: config.clientId, username: config.username!, audience: config.audience ?? defaultAudience(loginUrl) }, config.privateKey!, now().getTime()),
    };
  const mint = (conn: Connection): Promise<{ access_token: string }> => (config.flow === 'password'
    ? conn.oauth2.authenticate(config.username!, config.password!)
    : conn.oauth2.requestToken(grant())) as Promise<{ access_token: string }>;

  const conn: Connection = new jsforce.Connection({
    loginUrl,
    version: config.apiVersion,
    oauth2: { loginUrl, clientId: config.clientId, ...(config.flow === 'jwt_bearer' ? {} : { clientSecret: config.clientSecret }) },
    refreshFn: (c: Connection, callback: (err: Error | null, accessToken?: string, res?: never) => void) => {
      if (++refreshes.sinceSuccess > MAX_CONSECUTIVE_REFRESHES) {
        refreshes.sinceSuccess = 0;
        callback(new Error(`Salesforce refused ${MAX_CONSECUTIVE_REFRESHES} new sessions in a row`));
        return;
      }
      context.logger.info({ destination: context.name }, 'salesforce session expired; logging in again');
      mint(c).then((res) => { refreshes.lastError = undefined; callback(null, res.access_token, res as never); }, (err: Error) => { refreshes.lastError = err; callback(err); });
    },
  });

  // Token answers are checked before jsforce reads them: a login server failing (5xx) is not a refusal,
  // and a URL that answers with a web page is not a token endpoint (token-answer.ts).
  useOutboundTransport(conn, checkingTokenAnswers(http, context.name, config.rateLimitWaits));

  try {
    // jsforce's login() installs its own re-login on 401 for the password flow.
    if (config.flow === 'password') await conn.login(config.username!, config.password!);
    else await conn.authorize(grant());
    // Every later call goes to instance_url with the token: it must be a host this destination trusts.
    http.assertTrusted(conn.instanceUrl, 'the instance_url of the login answer');
  } catch (cause) {
    await http.close().catch(() => undefined);
    // Untrusted host, redirect, unreachable: already Parley's words, with the state they call for.
    if (isParleyError(cause)) throw cause;
    const vendor = vendorError(cause);
    throw destinationConfigError({ destination: context.name, reason: `Salesforce refused the login at ${loginUrl}: ${vendor.message || vendor.code} (${vendor.code})`, vendorCode: vendor.code }, { cause });
  }
  return new SalesforceClient(conn, config, context, http, () => { refreshes.sinceSuccess = 0; }, () => refreshes.lastError);
}

/** The connected client: catalog from describe, writes through sObject Collections. */
class SalesforceClient implements DestinationClient {
  readonly #conn: Connection;
  readonly #config: SalesforceConfig;
  readonly #context: DestinationContext;
  #usage: UsageReading | undefined;
  readonly #succeeded: () => void;
  readonly #http: OutboundClient;
  readonly #lastRefreshError: () => unknown;

  constructor(conn: Connection, config: SalesforceConfig, context: DestinationContext, http: OutboundClient, succeeded: () => void, lastRefreshError: () => unknown) {
    this.#conn = conn;
    this.#lastRefreshError = lastRefreshError;
    this.#http = http;
    this.#config = config;
    this.#context = context;
    this.#succeeded = succeeded;
  }

  usage(): UsageReading | undefined {
    return this.#usage;
  }

  /**
   * The daily API quota from `GET /limits`, the cheapest call Salesforce has (reference §8): the
   * answer's `Sforce-Limit-Info` header when it carries one, else its `DailyApiRequests` (limits.ts).
   * Also passed on through `onUsage`, like every reading.
   */
  async refreshUsage(): Promise<UsageReading> {
    const before = this.#conn.limitInfo;
    const body = await this.#call(() => this.#conn.limits() as Promise<unknown>);
    // jsforce replaces limitInfo with a new object on each answer that carries the header.
    const header = this.#conn.limitInfo !== before ? (this.#conn.limitInfo as { apiUsage?: DailyApiUsage } | undefined)?.apiUsage : undefined;
    this.#usage = { ...freshestUsage(header, body), at: (this.#context.now ?? (() => new Date()))() };
    this.#context.onUsage?.(this.#usage);
    return this.#usage;
  }

  async catalog(): Promise<ObjectCatalog> {
    const objects: CatalogObject[] = [];
    for (const name of this.#config.objects) {
      let describe: DescribeResult;
      try {
        describe = await this.#call(() => this.#conn.describe(name) as Promise<DescribeResult>);
      } catch (cause) {
        const vendor = vendorError(cause);
        if (vendor.code !== 'NOT_FOUND' && vendor.code !== 'INVALID_TYPE') throw cause;
        throw destinationConfigError({ destination: this.#context.name, reason: `the org has no object "${name}" (listed in objects)`, vendorCode: vendor.code }, { cause });
      }
      objects.push(toCatalogObject(describe));
    }
    return { objects };
  }

  /**
   * The record id whose `field` equals `value`, or undefined when there is none. A SOQL query, so
   * it works for any filterable field, not only External IDs (SocialPost.ExternalPostId is not one
   * in every org); the value is escaped as SOQL requires (REST API Developer Guide, "Query").
   * For operations whose earlier attempt had an unknown outcome.
   */
  async lookup(object: string, field: string, value: string): Promise<string | undefined> {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(object) || !/^[A-Za-z][A-Za-z0-9_]*$/.test(field)) throw new Error(`not a Salesforce name: ${object}.${field}`);
    const soql = `SELECT Id FROM ${object} WHERE ${field} = '${escapeSoql(value)}' ORDER BY CreatedDate LIMIT 1`;
    const result = await this.#call(async () => (await this.#conn.query(soql)) as unknown as { records: Array<{ Id?: string }> });
    return result.records[0]?.Id;
  }

  /**
   * `lookup` for many values: one SOQL `IN` query per 100 values (fewer when long values would
   * make the URL too long: soql-in.ts), plus `queryMore` pages past 2,000 rows. Value → the oldest
   * record's id, as `lookup`; SOQL compares text case-insensitively, so a record whose value
   * differs only in case answers for it when none matches exactly, as it would for `lookup`.
   */
  async lookupMany(object: string, field: string, values: readonly string[]): Promise<Map<string, string>> {
    type Page = { records: Array<Record<string, unknown>>; done?: boolean; nextRecordsUrl?: string };
    const found = new Map<string, string>();
    const folded = new Map<string, string>();
    for (const soql of lookupQueries(object, field, values)) {
      let page = await this.#call(async () => (await this.#conn.query(soql)) as unknown as Page);
      for (;;) {
        for (const record of page.records) {
          const id = record.Id, value = record[field];
          if (typeof id !== 'string' || value === null || value === undefined) continue;
          if (!found.has(String(value))) found.set(String(value), id);
          if (!folded.has(String(value).toLowerCase())) folded.set(String(value).toLowerCase(), id);
        }
        if (page.done !== false || !page.nextRecordsUrl) break;
        const next = page.nextRecordsUrl;
        page = await this.#call(async () => (await this.#conn.queryMore(next)) as unknown as Page);
      }
    }
    const answer = new Map<string, string>();
    for (const value of values) {
      const id = found.get(value) ?? folded.get(value.toLowerCase());
      if (id !== undefined) answer.set(value, id);
    }
    return answer;
  }

  async write(batch: WriteBatch): Promise<Map<string, WriteResult>> {
    const results = new Map<string, WriteResult>();
    const permanentBug = (message: string): WriteResult => ({ status: 'permanent', scope: 'bug', error: { code: 'PARLEY_OUTBOX_INVALID_OPERATION', message } });
    if (batch.operations.length > COLLECTIONS_MAX) {
      for (const op of batch.operations) results.set(op.id, permanentBug(`a batch holds at most ${COLLECTIONS_MAX} operations`));
      return results;
    }
    let pending: WriteOperation[] = [];
    for (const op of batch.operations) {
      if (results.has(op.id) || pending.some((p) => p.id === op.id)) {
        this.#context.logger.error({ destination: this.#context.name, operationId: op.id }, 'an operation id appears twice in one batch; the second is not written');
        continue;
      }
      const problem = checkOperation(batch, op);
      if (problem) results.set(op.id, permanentBug(problem));
      else if (op.recordId !== undefined && !SALESFORCE_ID.test(op.recordId)) {
        results.set(op.id, { status: 'permanent', scope: 'record', error: { code: 'MALFORMED_ID', message: `malformed id ${op.recordId}` } });
      } else pending.push(op);
    }
    const context = { ...(batch.matchKey ? { matchKey: batch.matchKey } : {}) };
    const classify = (error: unknown) => classifySalesforceError(error, context, this.#config.rateLimitWaits);
    let lastError: VendorError | undefined;

    const attempt = async () => {
      if (pending.length === 0) return;
      let items: IsolatedItem[];
      try {
        items = await this.#sendIsolating(batch, pending, classify);
      } catch (error) {
        const vendor = vendorError(error);
        lastError = vendor;
        const classification = classify(error);
        const unknown = outcomeUnknown(error);
        // A lost connection after a create may have created the records: not retried blindly here.
        if (classification.kind === 'retryable' && !(unknown && batch.operation === 'create')) throw error;
        if (classification.kind === 'rate-limited') {
          this.#context.logger.warn({ destination: this.#context.name, code: vendor.code, waitMs: classification.retryAfterMs }, 'salesforce api limit reached');
          this.#context.onRateLimited?.(classification.retryAfterMs, vendor);
        }
        const result = classification.kind === 'retryable' ? { status: 'retryable' as const, error: vendor, outcomeUnknown: true } : resultFor(vendor, classification);
        for (const op of pending) results.set(op.id, result);
        pending = [];
        throw new AbortError(vendor.message || vendor.code);
      }
      if (items.length !== pending.length) {
        // Which record each answer belongs to is unknown: none is trusted, each may have been written.
        lastError = { code: 'RESULT_COUNT_MISMATCH', message: `Salesforce answered ${items.length} results for ${pending.length} records` };
        for (const op of pending) results.set(op.id, { status: 'retryable', error: lastError, outcomeUnknown: true });
        pending = [];
        throw new AbortError(lastError.message);
      }
      const again: WriteOperation[] = [];
      items.forEach((item, i) => {
        const op = pending[i]!;
        if (item.success) {
          results.set(op.id, { status: 'done', recordId: item.id ?? op.recordId ?? '', ...(item.created !== undefined ? { created: item.created } : {}) });
          return;
        }
        const first = item.errors?.[0] ?? { statusCode: 'UNKNOWN', message: 'Salesforce reported a failure without an error' };
        const vendor = vendorError(first);
        if (item.systemic) { results.set(op.id, resultFor(vendor, { kind: 'permanent', scope: 'config' })); return; }
        const classification = classify(first);
        if (classification.kind === 'retryable') { again.push(op); lastError = vendor; results.set(op.id, { status: 'retryable', error: vendor }); return; }
        results.set(op.id, resultFor(vendor, classification));
      });
      pending = again;
      if (pending.length > 0) throw new Error(`${pending.length} records hit transient errors (${lastError?.code})`);
    };

    try {
      await pRetry(attempt, {
        retries: this.#config.retry.retries,
        minTimeout: this.#config.retry.minDelayMs,
        maxTimeout: this.#config.retry.maxDelayMs,
        factor: 2,
        randomize: true,
      });
    } catch (error) {
      if (!(error instanceof AbortError) && pending.length > 0) {
        const vendor = lastError ?? vendorError(error);
        for (const op of pending) if (!results.has(op.id) || results.get(op.id)!.status === 'retryable') results.set(op.id, { status: 'retryable', error: vendor });
      }
    }
    for (const op of batch.operations) {
      if (!results.has(op.id)) results.set(op.id, { status: 'retryable', error: lastError ?? { code: 'UNKNOWN', message: 'no result' } });
    }
    return results;
  }

  async close(): Promise<void> {
    // Sessions simply expire; only the pooled connections are closed.
    await this.#http.close();
  }

  /**
   * Sends the operations; when Salesforce refuses the whole call for one record's sake (a request-level
   * JSON_PARSER_ERROR or INVALID_FIELD: one bad value fails deserialising the body), halves are
   * tried until the bad records are found, so the others are still written. When both halves fail
   * the same way the cause is every record (a mapping), and all are marked `systemic`. The normal
   * path costs one call; one bad record about 2·log₂(n) more.
   */
  async #sendIsolating(batch: WriteBatch, ops: WriteOperation[], classify: (error: unknown) => ReturnType<typeof classifySalesforceError>): Promise<IsolatedItem[]> {
    const attempt = async (part: WriteOperation[]): Promise<{ items: IsolatedItem[] } | { refused: VendorError }> => {
      try {
        return { items: await this.#call(() => this.#send(batch, part)) };
      } catch (error) {
        const classification = classify(error);
        if (classification.kind === 'permanent' && classification.scope === 'record') return { refused: vendorError(error) };
        throw error;
      }
    };
    const failed = (error: VendorError, systemic: boolean, count: number): IsolatedItem[] =>
      Array.from({ length: count }, () => ({ success: false, systemic, errors: [{ statusCode: error.code, message: error.message, fields: error.fields ?? [] }] }));
    const isolate = async (part: WriteOperation[], error: VendorError): Promise<IsolatedItem[]> => {
      if (part.length === 1) return failed(error, false, 1);
      const halves = [part.slice(0, Math.ceil(part.length / 2)), part.slice(Math.ceil(part.length / 2))];
      const outcomes = [await attempt(halves[0]!), await attempt(halves[1]!)];
      if (outcomes.every((o) => 'refused' in o && o.refused.code === error.code)) return failed(error, true, part.length);
      const items: IsolatedItem[] = [];
      for (let i = 0; i < 2; i++) {
        const outcome = outcomes[i]!;
        items.push(...('items' in outcome ? outcome.items : await isolate(halves[i]!, outcome.refused)));
      }
      return items;
    };
    const first = await attempt(ops);
    return 'items' in first ? first.items : isolate(ops, first.refused);
  }

  /** One sObject Collections call for the batch's operation. */
  #send(batch: WriteBatch, ops: WriteOperation[]): Promise<SaveResultItem[]> {
    const type = { type: batch.object };
    const json = (method: 'POST' | 'PATCH', url: string, records: Array<Record<string, unknown>>) =>
      this.#conn.request({ method, url, body: JSON.stringify({ allOrNone: false, records }), headers: { 'content-type': 'application/json' } }) as Promise<SaveResultItem[]>;
    switch (batch.operation) {
      case 'create': return json('POST', '/composite/sobjects', ops.map((op) => ({ attributes: type, ...op.fields })));
      case 'update': return json('PATCH', '/composite/sobjects', ops.map((op) => ({ attributes: type, ...op.fields, id: op.recordId })));
      case 'upsert': return json('PATCH', `/composite/sobjects/${encodeURIComponent(batch.object)}/${encodeURIComponent(batch.matchKey!)}`,
        ops.map((op) => ({ attributes: type, ...op.fields, [batch.matchKey!]: op.fields[batch.matchKey!] ?? op.matchValue })));
      case 'delete': return this.#conn.request({ method: 'DELETE', url: `/composite/sobjects?ids=${ops.map((op) => encodeURIComponent(op.recordId!)).join(',')}&allOrNone=false` }) as Promise<SaveResultItem[]>;
    }
  }

  /** Runs a call, then passes on the API usage Salesforce reported (`Sforce-Limit-Info`, read by jsforce). */
  async #call<T>(run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.#succeeded();
      return result;
    } catch (error) {
      // A re-login that failed in Parley's words (login server 5xx, not a token endpoint): those words, not jsforce's wrapper.
      const refresh = this.#lastRefreshError();
      if (isParleyError(refresh) && error instanceof Error && /^Unable to refresh session/.test(error.message)) throw refresh;
      throw error;
    } finally {
      const usage = (this.#conn.limitInfo as { apiUsage?: { used: number; limit: number } } | undefined)?.apiUsage;
      if (usage) {
        this.#usage = { used: usage.used, limit: usage.limit, at: (this.#context.now ?? (() => new Date()))() };
        this.#context.onUsage?.(this.#usage);
      }
    }
  }
}

/** A string literal's content for SOQL: backslash and quote escaped, as Salesforce requires. */
function escapeSoql(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** What is wrong with an operation before it is sent, or undefined. */
function checkOperation(batch: WriteBatch, op: WriteOperation): string | undefined {
  if ((batch.operation === 'update' || batch.operation === 'delete') && !op.recordId) return `${batch.operation} needs the record id`;
  if (batch.operation === 'upsert') {
    if (!batch.matchKey) return 'upsert needs a match key';
    const value = op.fields[batch.matchKey] ?? op.matchValue;
    if (value === undefined || value === null || value === '') return `upsert needs a value for ${batch.matchKey}`;
  }
  return undefined;
}
