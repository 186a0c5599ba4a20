import { randomUUID } from 'node:crypto';
import { sendWithRenewal, type DestinationContext, type DestinationSession, type ObjectCatalog, type OutboundClient, type OutboundResponse, type VendorRecordResult, type WriteBatch } from 'parley/sdk';
import { requestFor, resultFor } from './batch-request.ts';
import { catalogObjectOf, type EntityDefinition, type TableInfo } from './catalog.ts';
import { DataverseError, failureOf, NOT_ANSWERED, RENEWED_TOKEN_REFUSED, UNREADABLE_ANSWER } from './dataverse-error.ts';
import { decodeBatchResponse, encodeBatchRequest } from './multipart.ts';
import { anyOfFilter, API_PATH, stringLiteral } from './odata.ts';
import type { AccessToken, TokenSource } from './token.ts';

/** Headers every Web API request carries ("Compose HTTP requests and handle errors"). */
const ODATA_HEADERS = { 'odata-maxversion': '4.0', 'odata-version': '4.0', accept: 'application/json' };

/**
 * A connected Dynamics 365 environment: the vendor's calls, raw (destination-session.ts). Retries,
 * isolation of bad records, results keyed by id and the limiter are Parley's destination kit's.
 *
 * Service protection limits are signalled by 429 with `Retry-After` (classify.ts), not read ahead:
 * the `x-ms-ratelimit-*` headers exist, but Microsoft says they are "intended for debugging
 * purposes" and not to control how many requests are sent ("Service protection API limits",
 * HTTP response headers), so this session offers no `usage()`. Dataverse has no daily API quota a
 * call could read either (entitlement limits are counted per licence, over 24 hours, server side).
 */
export class DataverseSession implements DestinationSession {
  readonly #api: OutboundClient;
  readonly #tokens: TokenSource;
  readonly #orgUrl: string;
  readonly #tables: readonly string[];
  readonly #logger: DestinationContext['logger'];
  readonly #onClose: (() => Promise<void>) | undefined;
  #described: Promise<{ catalog: ObjectCatalog; tables: Map<string, TableInfo>; sets: Map<string, string> }> | undefined;

  constructor(options: { api: OutboundClient; tokens: TokenSource; orgUrl: string; tables: readonly string[]; logger: DestinationContext['logger']; onClose?: () => Promise<void> }) {
    this.#api = options.api;
    this.#tokens = options.tokens;
    this.#orgUrl = options.orgUrl;
    this.#tables = options.tables;
    this.#logger = options.logger;
    this.#onClose = options.onClose;
  }

  /** The configured tables' definitions, read once (a failed read is tried again next time). */
  async describe(): Promise<ObjectCatalog> {
    return (await this.#definitions()).catalog;
  }

  /**
   * One `$batch` with one request per operation, in order, and `Prefer: odata.continue-on-error`
   * (batch-request.ts says why). Rejects when the batch itself failed (429, 401, 5xx, a body that
   * is not a batch answer).
   */
  async send(batch: WriteBatch): Promise<VendorRecordResult[]> {
    const { table, sets } = await this.#table(batch.object);
    const apiBase = `${this.#orgUrl}${API_PATH}`;
    const requests = batch.operations.map((op) => requestFor(apiBase, table, sets, batch, op));
    const boundary = `batch_${randomUUID()}`;
    const answer = await this.#call('POST', '$batch', {
      headers: { 'content-type': `multipart/mixed; boundary="${boundary}"`, prefer: 'odata.continue-on-error' },
      body: encodeBatchRequest(boundary, requests.map((request) => ({ request }))),
    });
    if (answer.status !== 200) throw new DataverseError(failureOf(answer));
    let responses;
    try {
      responses = decodeBatchResponse(answer.body, answer.headers['content-type']);
    } catch (cause) {
      throw new DataverseError({ code: UNREADABLE_ANSWER, message: `the $batch answered 200 with a body that is not a batch answer: ${(cause as Error).message}` });
    }
    return batch.operations.map((op, i) => {
      const response = responses[i];
      // Dataverse answers every request under continue-on-error; one without an answer was not carried out.
      if (!response) return { ok: false, error: { code: NOT_ANSWERED, message: `the $batch answer has ${responses.length} responses for ${batch.operations.length} requests` } };
      return resultFor(table, batch, op, response);
    });
  }

  /**
   * Value → record id of `object` whose column `field` equals it, in one query:
   * `GET <set>?$select=<id>,<field>&$filter=<field> eq 'a' or <field> eq 'b'` (odata.ts says why not `in`).
   * A value several records share answers the first one Dataverse lists.
   */
  async lookup(object: string, field: string, values: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (values.length === 0) return found;
    const { table } = await this.#table(object);
    const query = `$select=${table.primaryId},${field}&$filter=${encodeURIComponent(anyOfFilter(field, values))}`;
    const answer = await this.#call('GET', `${table.entitySet}?${query}`, {});
    if (answer.status !== 200) throw new DataverseError(failureOf(answer));
    const rows = (JSON.parse(answer.body) as { value?: Array<Record<string, unknown>> }).value ?? [];
    const wanted = new Set(values);
    for (const row of rows) {
      const value = row[field];
      const id = row[table.primaryId];
      if (typeof value === 'string' && typeof id === 'string' && wanted.has(value) && !found.has(value)) found.set(value, id);
    }
    return found;
  }

  async close(): Promise<void> {
    await this.#api.close();
    await this.#onClose?.();
  }

  /**
   * `GET WhoAmI`: proves the token is good for this environment (an app registration without an
   * application user there gets a token, then 401/403 on every call).
   */
  async whoAmI(): Promise<OutboundResponse> {
    return this.#call('GET', 'WhoAmI', {}).catch((error: unknown) => {
      if (error instanceof DataverseError && error.failure.httpStatus === 401) return { status: 401, headers: {}, body: JSON.stringify({ error: { code: error.failure.code, message: error.failure.message } }) };
      throw error;
    });
  }

  async #table(object: string): Promise<{ table: TableInfo; sets: Map<string, string> }> {
    const { tables, sets } = await this.#definitions();
    const table = tables.get(object);
    if (!table) throw new DataverseError({ code: '0x80060888', message: `${object} is not one of the tables this destination describes (${[...tables.keys()].join(', ')}): add it to the destination's tables` });
    return { table, sets };
  }

  #definitions() {
    this.#described ??= this.#readDefinitions().catch((error: unknown) => { this.#described = undefined; throw error; });
    return this.#described;
  }

  async #readDefinitions() {
    const objects = [];
    const tables = new Map<string, TableInfo>();
    for (const name of this.#tables) {
      const answer = await this.#call('GET', `EntityDefinitions(LogicalName=${stringLiteral(name)})?$expand=Attributes,Keys,ManyToOneRelationships`, {});
      if (answer.status !== 200) throw new DataverseError(failureOf(answer));
      const { object, table } = catalogObjectOf(JSON.parse(answer.body) as EntityDefinition);
      objects.push(object);
      tables.set(table.logicalName, table);
    }
    // Entity sets of the tables lookups point to, for `@odata.bind` (`contact` → `contacts`): one query.
    const sets = new Map([...tables.values()].map((t) => [t.logicalName, t.entitySet]));
    const targets = [...new Set([...tables.values()].flatMap((t) => [...t.navigation.values()]))].filter((t) => !sets.has(t));
    if (targets.length > 0) {
      const answer = await this.#call('GET', `EntityDefinitions?$select=LogicalName,EntitySetName&$filter=${encodeURIComponent(anyOfFilter('LogicalName', targets))}`, {});
      if (answer.status !== 200) throw new DataverseError(failureOf(answer));
      for (const row of (JSON.parse(answer.body) as { value?: Array<{ LogicalName?: string; EntitySetName?: string }> }).value ?? []) {
        if (row.LogicalName && row.EntitySetName) sets.set(row.LogicalName, row.EntitySetName);
      }
    }
    this.#logger.debug({ tables: [...tables.keys()] }, 'dynamics-365 table definitions read');
    return { catalog: { objects }, tables, sets };
  }

  /**
   * One Web API call with a bearer token. A 401 means the token expired or was revoked: a new one is
   * requested and the call sent once more (a 401 is refused before anything is carried out, so
   * even a `$batch` is safe to send again); a second 401 is `HTTP_401_RENEWED` (classify.ts).
   */
  async #call(method: string, path: string, request: { headers?: Record<string, string>; body?: string }): Promise<OutboundResponse> {
    const send = async (token: AccessToken) => this.#api.request({
      method, url: `${this.#orgUrl}${API_PATH}/${path}`,
      headers: { ...ODATA_HEADERS, ...request.headers, authorization: `Bearer ${token.value}` },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const { answer, renewed } = await sendWithRenewal(this.#tokens.credential, send, (a) => a.status === 401);
    if (renewed && answer.status === 401) {
      throw new DataverseError({ httpStatus: 401, code: RENEWED_TOKEN_REFUSED, message: `the environment refused a newly issued token too (${failureOf(answer).message}): the application user has lost its access` });
    }
    return answer;
  }
}
