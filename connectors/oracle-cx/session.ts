/**
 * The Oracle CX destination session: REST calls only (destination-session.ts). Retries, halving,
 * results keyed by operation id and the limiter are the destination kit's.
 * Wire facts: ../shared/reference/oracle-cx.md (§1 auth and headers, §2 queries, §4 batch, §6 resources).
 */
import {
  destinationConfigError, parseObject, sendWithRenewal,
  type DestinationContext, type DestinationSession, type ObjectCatalog, type OutboundClient, type OutboundResponse,
  type BearerToken, type SharedCredential, type VendorRecordResult, type WriteBatch,
} from '../../src/connectors/index.ts';
import { authorizationFor } from './auth.ts';
import { BATCH_CONTENT_TYPE, batchBody, readBatchAnswer, type BatchPart } from './batch.ts';
import { deriveCatalog, describedResource, type DescribeDocument } from './catalog.ts';
import { failureOf, OracleError, UNREADABLE_ANSWER } from './classify.ts';
import { versionRoot, type OracleCxConfig } from './config.ts';
import { isOracleObject, MESSAGE_PARENT, NUMERIC_ATTRIBUTES, PARENT_POST, RECORD_KEY, SR_BY_POST, SR_OBJECT_TYPE, type OracleObject } from './object-model.ts';
import { lookupQueries, readPage, stringOf } from './query.ts';
import { appliedResult, matchValueOf, planRound, upsertMode, type PlannedWrite, type WriteFacts } from './write-plan.ts';

/** A single item's body (§1: Oracle's examples; `application/json` is listed too). */
const ITEM_CONTENT_TYPE = 'application/vnd.oracle.adf.resourceitem+json';

/** How many parent posts a message's look-up path follows up a thread to the post that opened the SR. */
const MAX_THREAD_DEPTH = 5;

/**
 * Connects: the `Authorization` (Basic, or an OAuth token), then proves the credentials and the URL
 * with the cheapest read there is, `GET <root>socialUsers?limit=1&onlyData=true`.
 * @throws ParleyError PARLEY_DESTINATION_CONFIG when no URL is known, Oracle refuses the credentials
 *   (401/403) or the token request, or no crmRestApi answers at the URL (404);
 *   PARLEY_DESTINATION_UNREACHABLE / _UNTRUSTED_HOST from the outbound policy;
 *   OracleError for any other failed answer (5xx: retried by Parley)
 */
export async function connectOracleCx(config: OracleCxConfig, context: DestinationContext): Promise<DestinationSession> {
  const root = versionRoot(config, context);
  if (!root) throw destinationConfigError({ destination: context.name, reason: 'url is not set and no Oracle CX sandbox is mounted' });
  const http = context.outbound(root);
  try {
    const now = context.now ? () => context.now!().getTime() : Date.now;
    const session = new OracleCxSession(http, root, authorizationFor(config, http, context.name, now), config, context);
    await session.open();
    return session;
  } catch (error) {
    await http.close().catch(() => undefined);
    throw error;
  }
}

class OracleCxSession implements DestinationSession {
  readonly #http: OutboundClient;
  readonly #root: string;
  readonly #authorization: string | SharedCredential<BearerToken>;
  readonly #config: OracleCxConfig;
  readonly #context: Pick<DestinationContext, 'name' | 'logger'>;
  /** Resource → its describe, read once (a failed read is tried again next time). */
  readonly #describes = new Map<string, Promise<DescribeDocument>>();
  /** The describes read so far, for a look-up to know which attributes are numeric without a call. */
  readonly #described = new Map<string, DescribeDocument>();

  constructor(http: OutboundClient, root: string, authorization: string | SharedCredential<BearerToken>, config: OracleCxConfig, context: Pick<DestinationContext, 'name' | 'logger'>) {
    this.#http = http;
    this.#root = root;
    this.#authorization = authorization;
    this.#config = config;
    this.#context = context;
  }

  /** Proves the credentials and the URL (a token is fetched first, for OAuth). */
  async open(): Promise<void> {
    const answer = await this.#request('GET', `${this.#root}socialUsers?limit=1&onlyData=true`);
    if (answer.status === 200) return;
    const failure = failureOf(answer);
    if (answer.status === 401 || answer.status === 403 || answer.status === 404) {
      const reason = answer.status === 404 ? `no crmRestApi at ${this.#root}` : `Oracle CX refused the credentials at ${this.#root}`;
      throw destinationConfigError({ destination: this.#context.name, reason: `${reason} (HTTP ${answer.status}: ${failure.message})`, httpStatus: answer.status, vendorCode: failure.code });
    }
    throw new OracleError(failure);
  }

  /** The catalog from each configured resource's own describe (`messages` from serviceRequests'), read once. */
  async describe(): Promise<ObjectCatalog> {
    const resources = [...new Set(this.#config.objects.map((o) => (o === 'messages' ? 'serviceRequests' : o)))];
    const documents = new Map<string, DescribeDocument>();
    for (const resource of resources) documents.set(resource, await this.#describe(resource));
    try {
      return deriveCatalog(this.#config.objects, documents);
    } catch (cause) {
      throw destinationConfigError({ destination: this.#context.name, reason: `the describe at ${this.#root} is not Oracle's: ${(cause as Error).message}` }, { cause });
    }
  }

  #describe(resource: string): Promise<DescribeDocument> {
    let pending = this.#describes.get(resource);
    if (!pending) {
      pending = (async () => {
        const answer = await this.#request('GET', `${this.#root}${resource}/describe`);
        if (answer.status !== 200) throw new OracleError(failureOf(answer));
        const document = parseObject(answer.body);
        if (!document) throw new OracleError({ code: UNREADABLE_ANSWER, message: `the describe of ${resource} is not JSON`, httpStatus: answer.status });
        this.#described.set(resource, document as DescribeDocument);
        return document as DescribeDocument;
      })().catch((error: unknown) => { this.#describes.delete(resource); throw error; });
      this.#describes.set(resource, pending);
    }
    return pending;
  }

  /**
   * The batch as ONE batch call (§4), planned by write-plan.ts after the look-ups it needs. A batch
   * is all-or-nothing: when the answer lists failed parts, nothing was committed, so those parts get
   * their failures and the others are sent again as a new batch (each round removes at least one
   * part). Results in batch order. Rejects when the whole call failed (an error answer naming no
   * part of the batch, an unreadable answer).
   */
  async send(batch: WriteBatch): Promise<VendorRecordResult[]> {
    const object = batch.object as OracleObject;
    const facts = await this.#factsFor(batch);
    const results: Array<VendorRecordResult | undefined> = batch.operations.map(() => undefined);
    let remaining = batch.operations.map((_, index) => index);
    while (remaining.length > 0) {
      const plans = planRound(batch, remaining.map((i) => batch.operations[i]!), facts);
      const sent: Array<{ index: number; plan: Extract<PlannedWrite, { kind: 'part' }> }> = [];
      plans.forEach((plan, j) => {
        if (plan.kind === 'result') results[remaining[j]!] = plan.result;
        else sent.push({ index: remaining[j]!, plan });
      });
      if (sent.length === 0) break;
      const parts: BatchPart[] = sent.map((s) => s.plan.part);
      const outcome = readBatchAnswer(await this.#request('POST', this.#root, { contentType: BATCH_CONTENT_TYPE, body: batchBody(parts) }), parts);
      if (outcome.kind === 'applied') {
        for (const { index, plan } of sent) {
          const item = outcome.items.get(plan.part.id);
          results[index] = appliedResult(object, plan, item);
          if (object === 'socialPosts' && item?.ProcessingStatusCd === 'FAIL') {
            // Oracle kept the post but opened no SR and appended no message (§6.2): an operator should know.
            this.#context.logger.warn({ destination: this.#context.name, object, recordId: stringOf(item.PostId) }, 'Oracle recorded the social post FAIL: no service request or message was made for it');
          }
        }
        break;
      }
      for (const { index, plan } of sent) {
        const failure = outcome.failures.get(plan.part.id);
        if (failure) results[index] = { ok: false, error: failure };
      }
      remaining = sent.filter((s) => !outcome.failures.has(s.plan.part.id)).map((s) => s.index);
    }
    return results.map((r) => r ?? { ok: false, error: { code: UNREADABLE_ANSWER, message: 'no result', httpStatus: 0 } });
  }

  /** What planning needs to know first: upserts' match values, known parent posts, the SRs messages go on. One look-up each, at most. */
  async #factsFor(batch: WriteBatch): Promise<WriteFacts> {
    const facts = { existing: new Map<string, string>(), knownParents: new Set<string>(), srOfPost: new Map<string, string>() };
    // A post is found before it is created (find-or-create, object-model.ts): by its own SourcePostIdPrimary.
    const postCreates = batch.object === 'socialPosts' && batch.operation === 'create'
      ? batch.operations.flatMap((op) => { const own = stringOf(op.fields.SourcePostIdPrimary); return own ? [own] : []; }) : [];
    const lookedUp = batch.operation === 'upsert' && upsertMode(batch) !== 'upsert-mode' ? batch.operations.map((op) => matchValueOf(batch, op)) : postCreates;
    if (batch.object === 'socialPosts' && (batch.operation === 'create' || batch.operation === 'upsert')) {
      // One query for both: a find-or-create matches on SourcePostIdPrimary, which is what ParentPostId names.
      const parents = batch.operations.flatMap((op) => { const p = stringOf(op.fields[PARENT_POST]); return p ? [p] : []; });
      const byMatch = batch.matchKey === 'SourcePostIdPrimary' || batch.operation === 'create';
      const found = await this.lookup('socialPosts', 'SourcePostIdPrimary', [...(byMatch ? lookedUp : []), ...parents]);
      for (const parent of parents) if (found.has(parent)) facts.knownParents.add(parent);
      if (byMatch) for (const value of lookedUp) if (found.has(value)) facts.existing.set(value, found.get(value)!);
      if (!byMatch && lookedUp.length > 0) facts.existing = await this.lookup(batch.object, batch.matchKey!, lookedUp);
    } else if (lookedUp.length > 0) {
      facts.existing = await this.lookup(batch.object, batch.matchKey!, lookedUp);
    }
    if (batch.object === 'messages') {
      const posts = batch.operations.flatMap((op) => {
        const post = stringOf(op.fields[SR_BY_POST]);
        return post !== undefined && !stringOf(op.fields[MESSAGE_PARENT]) ? [post] : [];
      });
      if (posts.length > 0) facts.srOfPost = await this.#srsOfPosts(posts);
    }
    return facts;
  }

  /**
   * Value → Parley's id of the `object` record whose `field` equals it (contacts: their PartyId);
   * the first item Oracle lists answers for a value. serviceRequests by `socialPost/SourcePostIdPrimary`:
   * the SR Oracle opened for the root post with that source id, or for a reply the SR of its thread
   * (the shipped escalation mappings escalate replies too). Messages live under their SR and cannot
   * be looked up alone.
   * @throws OracleError for a failed or unreadable answer, or an object this connector cannot look up (404)
   */
  async lookup(object: string, field: string, values: readonly string[]): Promise<Map<string, string>> {
    if (values.length === 0) return new Map();
    if (!isOracleObject(object) || object === 'messages') throw new OracleError({ code: 'NOT_FOUND', message: `${object} cannot be looked up: ${object === 'messages' ? 'messages are found only under their service request' : 'not an object of this connector'}`, httpStatus: 404 });
    if (object === 'serviceRequests' && field === SR_BY_POST) return this.#srsOfPosts(values);
    const key = RECORD_KEY[object];
    const found = new Map<string, string>();
    for (const item of await this.#query(object, field, values, [key])) {
      const value = stringOf(item[field]), id = stringOf(item[key]);
      if (value !== undefined && id !== undefined && !found.has(value)) found.set(value, id);
    }
    return found;
  }

  /**
   * Source post id → the SrNumber of the SR its post opened (§6.2: a root post's ObjectId is the
   * SR's SrId). A reply (whose post made a message on its thread's SR) is followed up its
   * `ParentPostId`s to the post that opened the SR, at most MAX_THREAD_DEPTH posts up.
   */
  async #srsOfPosts(values: readonly string[]): Promise<Map<string, string>> {
    const srIdOf = new Map<string, string>();
    let asked = new Map([...new Set(values)].map((v) => [v, [v]]));
    for (let depth = 0; asked.size > 0 && depth <= MAX_THREAD_DEPTH; depth++) {
      const next = new Map<string, string[]>();
      for (const post of await this.#query('socialPosts', 'SourcePostIdPrimary', [...asked.keys()], ['ObjectId', 'ObjectTypeCd', PARENT_POST])) {
        const own = stringOf(post.SourcePostIdPrimary), objectId = stringOf(post.ObjectId), parent = stringOf(post[PARENT_POST]);
        const origins = own === undefined ? undefined : asked.get(own);
        if (!origins) continue;
        asked.delete(own!);
        if (post.ObjectTypeCd === SR_OBJECT_TYPE && objectId) for (const o of origins) srIdOf.set(o, objectId);
        else if (parent) next.set(parent, [...(next.get(parent) ?? []), ...origins]);
      }
      asked = next;
    }
    if (srIdOf.size === 0) return new Map();
    const srNumberOf = new Map<string, string>();
    for (const sr of await this.#query('serviceRequests', 'SrId', [...new Set(srIdOf.values())], ['SrNumber'])) {
      const id = stringOf(sr.SrId), number = stringOf(sr.SrNumber);
      if (id !== undefined && number !== undefined) srNumberOf.set(id, number);
    }
    const found = new Map<string, string>();
    for (const [value, srId] of srIdOf) { const number = srNumberOf.get(srId); if (number) found.set(value, number); }
    return found;
  }

  /** The items of `resource` whose `field` is one of `values`, with `select` (and `field`), over every page (`hasMore`/`offset`, §2). */
  async #query(resource: OracleObject, field: string, values: readonly string[], select: readonly string[]): Promise<Record<string, unknown>[]> {
    const wanted = new Set(values);
    const items: Record<string, unknown>[] = [];
    const queries = lookupQueries(this.#config.frameworkVersion, { field, numeric: this.#numeric(resource, field), select, limit: this.#config.lookupPageSize }, values);
    for (const query of queries) {
      for (let offset = 0; ;) {
        const answer = await this.#request('GET', `${this.#root}${resource}?${query}${offset > 0 ? `&offset=${offset}` : ''}`);
        if (answer.status !== 200) throw new OracleError(failureOf(answer));
        const page = readPage(parseObject(answer.body));
        if (!page) throw new OracleError({ code: UNREADABLE_ANSWER, message: `the query of ${resource} answered 200 without a collection`, httpStatus: 200 });
        for (const item of page.items) if (wanted.has(stringOf(item[field]) ?? '')) items.push(item);
        if (!page.hasMore || page.items.length === 0) break;
        offset += page.items.length;
      }
    }
    return items;
  }

  /** Whether `field` holds numbers: the describe read so far says, else object-model.ts's list. */
  #numeric(resource: OracleObject, field: string): boolean {
    const document = this.#described.get(resource);
    if (document) {
      try {
        const type = describedResource(resource, document).attributes?.find((a) => a.name === field)?.type;
        if (type !== undefined) return type === 'integer' || type === 'number';
      } catch { /* not a describe of it: fall back */ }
    }
    return NUMERIC_ATTRIBUTES.has(field);
  }

  /** `<root><resource>/<id>` for socialUsers, socialPosts and serviceRequests (§2: item URLs use the key); undefined for the others. */
  recordUrl(object: string, recordId: string): string | undefined {
    if (object !== 'socialUsers' && object !== 'socialPosts' && object !== 'serviceRequests') return undefined;
    return `${this.#root}${object}/${encodeURIComponent(recordId)}`;
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  /**
   * One call with the headers every call carries (§1): `REST-Framework-Version`, `Accept`, and the
   * ADF content type on a body. An OAuth token refused with 401 (expired, revoked) is renewed once
   * (the SDK's sendWithRenewal: one renewal however many calls met it) and the same request sent
   * again: Oracle refused it before carrying anything out. A second 401 is returned as it is.
   */
  async #request(method: string, url: string, request: { body?: string; contentType?: string } = {}): Promise<OutboundResponse> {
    const send = (authorization: string) => this.#http.request({
      method, url,
      headers: {
        accept: 'application/json', 'rest-framework-version': this.#config.frameworkVersion, authorization,
        ...(request.body !== undefined ? { 'content-type': request.contentType ?? ITEM_CONTENT_TYPE } : {}),
      },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    if (typeof this.#authorization === 'string') return send(this.#authorization);
    return (await sendWithRenewal(this.#authorization, (token) => send(token.header), (a) => a.status === 401)).answer;
  }
}
