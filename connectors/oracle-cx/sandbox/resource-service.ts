/**
 * The REST resources below the version root (../shared/reference/oracle-cx.md §2, §3, §6): routes a
 * call (method + path relative to the root) to a collection, item, child collection, enclosure or
 * describe, and answers it as data. Used alike by single HTTP calls (plugin.ts) and batch parts
 * (batch.ts); refusals are thrown as OracleCxError and rendered by the caller.
 */
import { collectionAnswer } from './collection.ts';
import { describeDocument } from './describe.ts';
import { OracleCxError } from './errors.ts';
import { itemShape, renderItem, type ItemShape } from './item-view.ts';
import { RESOURCES, type Method } from './resource-model.ts';
import type { RecordStore, StoredRecord } from './record-store.ts';
import type { RecordWriter, Scope } from './writes.ts';

/** Media types of the pod's answers (§1). */
export const MEDIA = {
  item: 'application/vnd.oracle.adf.resourceitem+json',
  collection: 'application/vnd.oracle.adf.resourcecollection+json',
  describe: 'application/vnd.oracle.adf.description+json',
  batch: 'application/vnd.oracle.adf.batch+json',
} as const;

/** One call to a resource. `path` is relative to the version root (`socialPosts/300000000000001`). */
export interface ApiCall {
  method: string;
  path: string;
  query: URLSearchParams;
  /** REST-Framework-Version (errors.ts `frameworkVersion`). */
  version: number;
  /** `Upsert-Mode: true` on a POST. */
  upsert: boolean;
  ifMatch?: string;
  ifNoneMatch?: string;
  /** The parsed JSON body, if any. */
  body?: unknown;
}

/** An answer: status, headers, and a JSON body (or raw bytes for an enclosure; none for 204/304). */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  json?: unknown;
  raw?: Buffer;
}

const OPERATION: Readonly<Record<string, string>> = { POST: 'create', PATCH: 'update', DELETE: 'delete', PUT: 'replace', GET: 'get' };
const notFound = (path: string) => new OracleCxError(404, `The requested resource ${path} was not found.`, { errorCode: 'OAS-NOT-FOUND' });

/** The pod's resources over a store. */
export class ResourceService {
  readonly #store: RecordStore;
  readonly #writer: RecordWriter;
  readonly #root: () => string;
  readonly #maxLimit: number;
  readonly #upsertStatus: number;

  /**
   * @param options.root the absolute version root URL, no trailing slash
   * @param options.upsertUpdateStatus the status of an upsert that updated (config `upsertUpdateStatus`)
   */
  constructor(options: { store: RecordStore; writer: RecordWriter; root: () => string; maxLimit: number; upsertUpdateStatus: number }) {
    this.#upsertStatus = options.upsertUpdateStatus;
    this.#store = options.store;
    this.#writer = options.writer;
    this.#root = options.root;
    this.#maxLimit = options.maxLimit;
  }

  /** Carries out one call. Writes are one unit of work each. @throws OracleCxError */
  execute(call: ApiCall): ApiAnswer {
    const segments = call.path.split('/').filter((s) => s !== '').map((s) => decodeSegment(s, call.path));
    const root = this.#root();
    if (segments.length === 0 || (segments.length === 1 && segments[0] === 'describe')) {
      allow(call.method, ['GET']);
      return { status: 200, headers: { 'content-type': MEDIA.describe }, json: describeDocument(Object.values(RESOURCES), root) };
    }
    const [name = '', key, third, fourth, childKey, ...rest] = segments;
    const resource = Object.hasOwn(RESOURCES, name) ? RESOURCES[name]! : undefined;
    if (!resource || rest.length > 0) throw notFound(call.path);
    const href = `${root}/${name}`;
    const scope: Scope = { resource, table: resource.name };
    if (key === undefined) return this.#collection(call, scope, href);
    if (key === 'describe' && third === undefined) {
      allow(call.method, ['GET']);
      return { status: 200, headers: { 'content-type': MEDIA.describe }, json: describeDocument([resource], root) };
    }
    if (third === undefined) return this.#item(call, scope, key, `${href}/${encodeURIComponent(key)}`);
    const parentRow = this.#writer.find(scope, key);
    if (third === 'enclosure' && fourth !== undefined && childKey === undefined && resource.enclosures?.includes(fourth)) {
      allow(call.method, ['GET']);
      if (!parentRow) throw notFound(call.path);
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, raw: Buffer.from(String(parentRow.values[fourth] ?? ''), 'utf8') };
    }
    const child = third === 'child' && fourth !== undefined && Object.hasOwn(resource.children ?? {}, fourth) ? resource.children![fourth] : undefined;
    if (!child || !parentRow) throw notFound(call.path);
    const childScope: Scope = { resource: child, table: child.name, parent: key };
    const childHref = `${href}/${encodeURIComponent(key)}/child/${fourth}`;
    if (childKey === undefined) return this.#collection(call, childScope, childHref);
    return this.#item(call, childScope, childKey, `${childHref}/${encodeURIComponent(childKey)}`);
  }

  #collection(call: ApiCall, scope: Scope, href: string): ApiAnswer {
    allow(call.method, scope.resource.methods.filter((m) => m === 'GET' || m === 'POST'));
    if (call.method === 'POST') {
      const { record, key, created } = this.#store.transaction(() => ({ commit: true, value: this.#writer.create(scope, call.body, call.upsert) }));
      const itemHref = `${href}/${encodeURIComponent(key)}`;
      const headers = { ...this.#itemHeaders(record), ...(created ? { location: itemHref } : {}) };
      return { status: created ? 201 : this.#upsertStatus, headers, json: renderItem(scope.resource, record, itemHref, { fields: undefined, onlyData: false }) };
    }
    const shape = itemShape(scope.resource, call.query);
    const rows = this.#store.list(scope.table).filter(([, row]) => row.parent === scope.parent).map(([, row]) => row);
    const json = collectionAnswer({
      resource: scope.resource, rows, query: call.query, version: call.version, maxLimit: this.#maxLimit, href, onlyData: shape.onlyData,
      render: (row) => this.#render(scope, row, `${href}/${encodeURIComponent(String(row.values[scope.resource.key]))}`, shape, call.query),
    });
    return { status: 200, headers: { 'content-type': MEDIA.collection }, json };
  }

  #item(call: ApiCall, scope: Scope, key: string, href: string): ApiAnswer {
    allow(call.method, scope.resource.methods.filter((m) => m !== 'POST'));
    if (call.method === 'DELETE') {
      this.#store.transaction(() => ({ commit: true, value: this.#writer.remove(scope, key, call.ifMatch) }));
      return { status: 204, headers: {} };
    }
    if (call.method === 'PATCH') {
      const { record } = this.#store.transaction(() => ({ commit: true, value: this.#writer.update(scope, key, call.body, call.ifMatch) }));
      return { status: 200, headers: this.#itemHeaders(record), json: renderItem(scope.resource, record, href, { fields: undefined, onlyData: false }) };
    }
    const record = this.#writer.find(scope, key);
    if (!record) throw notFound(call.path);
    if (call.ifNoneMatch !== undefined && call.ifNoneMatch.replace(/"/g, '').trim() === record.changeIndicator) return { status: 304, headers: this.#itemHeaders(record) };
    return { status: 200, headers: this.#itemHeaders(record), json: this.#render(scope, record, href, itemShape(scope.resource, call.query), call.query) };
  }

  /** An item, with its children when `expand` asks (`expand=all` or `expand=messages`). */
  #render(scope: Scope, row: StoredRecord, href: string, shape: ItemShape, query: URLSearchParams): Record<string, unknown> {
    const item = renderItem(scope.resource, row, href, shape);
    const expand = (query.get('expand') ?? '').split(',').map((e) => e.trim());
    for (const [name, child] of Object.entries(scope.resource.children ?? {})) {
      if (!expand.includes('all') && !expand.includes(name)) continue;
      const key = String(row.values[scope.resource.key]);
      const rows = this.#store.list(child.name).filter(([, r]) => r.parent === key);
      const childShape: ItemShape = { fields: undefined, onlyData: shape.onlyData };
      const items = rows.map(([childKey, r]) => renderItem(child, r, `${href}/child/${name}/${encodeURIComponent(childKey)}`, childShape));
      item[name] = { items, count: items.length, hasMore: false, limit: items.length, offset: 0, ...(shape.onlyData ? {} : { links: [{ rel: 'self', href: `${href}/child/${name}`, name, kind: 'collection' }] }) };
    }
    return item;
  }

  #itemHeaders(record: StoredRecord): Record<string, string> {
    return { 'content-type': MEDIA.item, etag: `"${record.changeIndicator}"` };
  }
}

/** A path segment decoded; a malformed escape names nothing the pod has. @throws OracleCxError 404 */
function decodeSegment(segment: string, path: string): string {
  try { return decodeURIComponent(segment); } catch { throw notFound(path); }
}

/** @throws OracleCxError 405 with `Allow` when `method` is not among `methods` */
function allow(method: string, methods: readonly Method[]): void {
  if ((methods as readonly string[]).includes(method)) return;
  // Oracle's wording for an operation a resource does not offer (reference §3).
  throw new OracleCxError(405, `Invalid operation ${OPERATION[method] ?? method.toLowerCase()} for the specified resource.`,
    { errorCode: 'OAS-METHOD', headers: { allow: methods.join(', ') } });
}
