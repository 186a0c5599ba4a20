import jsforce from 'jsforce';
import {
  destinationConfigError, isParleyError, type OutboundClient,
  type CatalogObject, type DestinationContext, type DestinationSession, type ObjectCatalog, type UsageReading,
  type VendorRecordResult, type WriteBatch,
} from '../../src/connectors/index.ts';
import { SalesforceBulk } from './bulk.ts';
import { toCatalogObject, type DescribeResult } from './catalog.ts';
import { freshestUsage, type DailyApiUsage } from './limits.ts';
import { lookupQueries } from './soql-in.ts';
import { vendorError } from './classify.ts';
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
export async function connectSalesforce(config: SalesforceConfig, context: DestinationContext): Promise<DestinationSession> {
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
  return new SalesforceSession(conn, config, context, http, () => { refreshes.sinceSuccess = 0; }, () => refreshes.lastError);
}

/**
 * The connected session: describe for the catalog, sObject Collections for writes, SOQL `IN`
 * queries for look-ups, `/limits` for the quota. Vendor calls only: the destination kit retries,
 * isolates, keys results and limits them.
 */
class SalesforceSession implements DestinationSession {
  readonly #conn: Connection;
  readonly #config: SalesforceConfig;
  readonly #context: DestinationContext;
  #usage: UsageReading | undefined;
  readonly #succeeded: () => void;
  readonly #http: OutboundClient;
  readonly #lastRefreshError: () => unknown;
  /** Bulk API 2.0 ingest jobs (bulk.ts), for big writes and purges; the destination kit runs them. */
  readonly bulk: SalesforceBulk;

  constructor(conn: Connection, config: SalesforceConfig, context: DestinationContext, http: OutboundClient, succeeded: () => void, lastRefreshError: () => unknown) {
    this.#conn = conn;
    this.#lastRefreshError = lastRefreshError;
    this.#http = http;
    this.#config = config;
    this.#context = context;
    this.#succeeded = succeeded;
    this.bulk = new SalesforceBulk(conn, (run) => this.#call(run));
  }

  /**
   * `<instance_url>/<Id>`: Salesforce redirects a record id under the instance to the record's page
   * in the user's interface, Lightning or Classic (Salesforce Help, "Find the Salesforce ID for a Record").
   */
  recordUrl(_object: string, recordId: string): string | undefined {
    return this.#conn.instanceUrl ? `${this.#conn.instanceUrl.replace(/\/$/, '')}/${encodeURIComponent(recordId)}` : undefined;
  }

  /** The reading of the last answer's `Sforce-Limit-Info: api-usage=used/limit` (read by jsforce), or of `/limits`. */
  usage(): UsageReading | undefined {
    return this.#usage;
  }

  /**
   * The daily API quota from `GET /limits`, the cheapest call Salesforce has (reference §8): the
   * answer's `Sforce-Limit-Info` header when it carries one, else its `DailyApiRequests` (limits.ts).
   */
  async readUsage(): Promise<UsageReading> {
    const before = this.#conn.limitInfo;
    const body = await this.#call(() => this.#conn.limits() as Promise<unknown>);
    // jsforce replaces limitInfo with a new object on each answer that carries the header.
    const header = this.#conn.limitInfo !== before ? (this.#conn.limitInfo as { apiUsage?: DailyApiUsage } | undefined)?.apiUsage : undefined;
    this.#usage = { ...freshestUsage(header, body), at: this.#now() };
    return this.#usage;
  }

  async describe(): Promise<ObjectCatalog> {
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
   * Value → record id for up to 100 values: one SOQL `IN` query (more when long values would make
   * the URL too long: soql-in.ts), plus `queryMore` pages past 2,000 rows. A SOQL query, so it works
   * for any filterable field, not only External IDs (SocialPost.ExternalPostId is not one in every
   * org). The oldest record answers for a value; SOQL compares text case-insensitively, so a record
   * whose value differs only in case answers for it when none matches exactly.
   */
  async lookup(object: string, field: string, values: readonly string[]): Promise<Map<string, string>> {
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

  /** One sObject Collections call (`allOrNone: false`) for the batch: one result per record, in order (reference §4). */
  async send(batch: WriteBatch): Promise<VendorRecordResult[]> {
    const items = await this.#call(() => this.#collections(batch));
    if (!Array.isArray(items)) throw Object.assign(new Error('Salesforce answered a collections call without a result array'), { errorCode: 'UNEXPECTED_ANSWER' });
    return items.map((item): VendorRecordResult => (item.success
      ? { ok: true, recordId: item.id ?? '', ...(item.created !== undefined ? { created: item.created } : {}) }
      : { ok: false, error: item.errors?.[0] ?? { statusCode: 'UNKNOWN', message: 'Salesforce reported a failure without an error' } }));
  }

  async close(): Promise<void> {
    // Sessions simply expire; only the pooled connections are closed.
    await this.#http.close();
  }

  #collections(batch: WriteBatch): Promise<SaveResultItem[]> {
    const type = { type: batch.object };
    const ops = batch.operations;
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

  #now(): Date {
    return (this.#context.now ?? (() => new Date()))();
  }

  /** Runs a call, then keeps the API usage Salesforce reported (`Sforce-Limit-Info`, read by jsforce). */
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
      if (usage) this.#usage = { used: usage.used, limit: usage.limit, at: this.#now() };
    }
  }
}

/** Whether a value is a Salesforce record id (15 or 18 base-62 characters): an update or delete of anything else is refused before sending. */
export function isSalesforceId(value: string): boolean {
  return SALESFORCE_ID.test(value);
}
