/**
 * The c4codataapi service as one function of a request: `execute({ method, path, query, headers, body })`
 * → `{ status, headers, body }`. The HTTP routes and every `$batch` operation go through it, so both
 * answer alike. Paths are relative to the service root: `SocialMediaActivityCollection`,
 * `SocialMediaActivityCollection('<ObjectID>')`, `…('<ObjectID>')/<Navigation>`, `…/$count`. Child-node
 * rows live in their own entity sets (child-nodes.ts); navigations and `$expand` read those sets, so a
 * row has one source of truth. Wire facts: reference §2, §5.
 */
import type { EdmEntityType, EdmModel } from '../metadata/edmx-reader.ts';
import { collectionBody, entityBody, errorBody, toGuid, toODataDate, type JsonObject } from '../odata/json.ts';
import type { NodeModel, NodeNavigation } from './child-nodes.ts';
import { etagOf, ODataRequestError, readBody, writeEntity, type Expanded } from './entity-codec.ts';
import { newObjectId, type EntityStore, type StoredEntity } from './entity-store.ts';
import { FilterError, parseFilter } from './filter.ts';
import { FUNCTION_IMPORTS, runFunctionImport } from './function-imports.ts';
import { sortRows } from './orderby.ts';

/** One operation, as an HTTP route or a `$batch` part gives it. Header names lower-case. */
export interface ODataOperation {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body?: string;
}

/** Its answer; `body` is JSON text, or '' for none. */
export interface ODataAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the service needs: the model and its node structure, the store, the clock, paging sizes, a per-record fault rule hook. */
export interface ODataServiceOptions {
  model: EdmModel;
  nodes: NodeModel;
  store: EntityStore;
  serviceRoot: () => string;
  now: () => number;
  pageSize: number;
  expandPageSize: number;
  ticketReferenceTypeCode: string;
  /** A `_faults` rule refusing this record, as a 400 message; undefined to let it through. */
  refuse?: (entityType: string, properties: Readonly<JsonObject>) => string | undefined;
}

const JSON_HEADERS = { 'content-type': 'application/json', dataserviceversion: '2.0' };

/** An OData error answer. */
export function errorAnswer(status: number, message: string): ODataAnswer {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(errorBody(message)) };
}

/** The c4codataapi service over a store. */
export class ODataService {
  readonly #o: ODataServiceOptions;

  constructor(options: ODataServiceOptions) {
    this.#o = options;
  }

  /** Carries out one operation; an invalid request is an OData error answer, never a throw. */
  execute(operation: ODataOperation): ODataAnswer {
    try {
      return this.#route(operation);
    } catch (error) {
      if (error instanceof ODataRequestError) return errorAnswer(error.status, error.message);
      if (error instanceof FilterError) return errorAnswer(400, error.message);
      throw error;
    }
  }

  #route(op: ODataOperation): ODataAnswer {
    const fn = decodeURIComponent(op.path);
    if (Object.hasOwn(FUNCTION_IMPORTS, fn)) {
      if (op.method !== 'GET') throw new ODataRequestError(405, `${fn} is called with GET`);
      const set = FUNCTION_IMPORTS[fn as keyof typeof FUNCTION_IMPORTS];
      const type = this.#typeOf(set)!;
      const shape = this.#shape(op.query, type);
      const rows = runFunctionImport(fn as keyof typeof FUNCTION_IMPORTS, op.query, this.#o.store, this.#o.nodes);
      return this.#answer(200, collectionBody(rows.map(([id, entity]) => this.#write(set, type, id, entity, shape))));
    }
    const match = /^([A-Za-z]\w*)(?:\('([^']*)'\))?(?:\/([A-Za-z]\w*))?(\/\$count)?$/.exec(fn);
    const set = match?.[1];
    const type = set ? this.#typeOf(set) : undefined;
    const [key, navigation, count] = [match?.[2], match?.[3], match?.[4] !== undefined];
    if (!match || !set || !type || (key === undefined && navigation !== undefined)) throw new ODataRequestError(404, `Resource not found for the segment '${op.path}'`);
    const method = op.method === 'MERGE' ? 'PATCH' : op.method;
    if (key === undefined) {
      if (method === 'GET') return this.#query(set, type, op, count);
      if (method === 'POST' && !count) return this.#create(set, type, op);
      throw new ODataRequestError(405, `${op.method} is not allowed on an entity set`);
    }
    const entity = this.#o.store.get(set, key);
    if (!entity) throw new ODataRequestError(404, `Resource not found for the segment '${set}'`);
    if (navigation !== undefined) return this.#navigate({ set, type, key, entity }, navigation, op, method, count);
    if (count) throw new ODataRequestError(404, `Resource not found for the segment '$count'`);
    if (method === 'GET') return this.#answer(200, this.#entityBody(op, this.#write(set, type, key, entity, this.#shape(op.query, type))), { etag: etagOf(entity) });
    const ifMatch = op.headers['if-match'];
    // 412 on a mismatch (reference §2); `*` matches any version.
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(entity)) throw new ODataRequestError(412, 'Precondition failed: the entity was changed by another user');
    if (method === 'DELETE') {
      const deletable = this.#o.model.entitySets.get(set)!.attributes['sap:deletable'] !== 'false';
      if (!deletable) throw new ODataRequestError(405, `Entities of ${set} cannot be deleted`);
      this.#o.store.transaction(() => { this.#remove(set, type, key); return { commit: true, value: undefined }; });
      return { status: 204, headers: { dataserviceversion: '2.0' }, body: '' };
    }
    if (method === 'PATCH' || method === 'PUT') return this.#update(set, type, key, entity, op, method === 'PUT');
    throw new ODataRequestError(405, `${op.method} is not allowed on an entity`);
  }

  /**
   * `<Set>('<id>')/<Navigation>`: a child node's rows (GET, with the query options of a collection), a
   * new child row (POST, its `ParentObjectID` the addressed entity), or a child row's parent (GET).
   */
  #navigate(from: { set: string; type: EdmEntityType; key: string; entity: StoredEntity }, name: string, op: ODataOperation, method: string, count: boolean): ODataAnswer {
    const nav = this.#o.nodes.navigation(from.type.name, name);
    if (!nav) throw new ODataRequestError(404, `Resource not found for the segment '${name}'`);
    const target = nav.set ? this.#typeOf(nav.set) : undefined;
    const path = `${from.set}('${from.key}')/${name}`;
    if (method === 'POST' && nav.kind === 'children' && nav.many && target && !count) return this.#create(nav.set!, target, op, from.key);
    if (method !== 'GET') throw new ODataRequestError(405, `${op.method} is not allowed on ${path}`);
    if (nav.kind === 'children' && nav.many && target) return this.#query(nav.set!, target, op, count, { parentId: from.key, path });
    const rows = target && nav.kind !== 'other' ? this.#related(from.key, from.entity, nav) : [];
    if (count) return { status: 200, headers: { 'content-type': 'text/plain', dataserviceversion: '2.0' }, body: String(rows.length) };
    // Associations to other business objects are not modelled: their navigations are empty [sandbox].
    if (nav.many) return this.#answer(200, collectionBody([]));
    const [row] = rows;
    if (!row || !target) throw new ODataRequestError(404, `Resource not found for the segment '${name}'`);
    return this.#answer(200, this.#entityBody(op, this.#write(nav.set!, target, row[0], row[1], this.#shape(op.query, target))), { etag: etagOf(row[1]) });
  }

  /** The rows a child-node or parent navigation of one entity leads to, in insertion order. */
  #related(id: string, entity: StoredEntity, nav: NodeNavigation): Array<[string, StoredEntity]> {
    if (!nav.set) return [];
    if (nav.kind === 'children') return this.#o.store.list(nav.set).filter(([, row]) => row.properties.ParentObjectID === id);
    if (nav.kind === 'parent') {
      const parentId = entity.properties.ParentObjectID;
      const parent = typeof parentId === 'string' ? this.#o.store.get(nav.set, parentId) : undefined;
      return parent ? [[parentId as string, parent]] : [];
    }
    return [];
  }

  #typeOf(set: string): EdmEntityType | undefined {
    const entitySet = this.#o.model.entitySets.get(set);
    return entitySet ? this.#o.model.entityTypes.get(entitySet.entityType) : undefined;
  }

  /**
   * `$select` and `$expand` of a query. `$expand` names navigations of `type` (a deeper `A/B` path
   * expands `A` only [sandbox]).
   * @throws ODataRequestError 400 for a name that is not a navigation of the type
   */
  #shape(query: URLSearchParams, type: EdmEntityType): { select?: string[]; expand?: string[] } {
    const list = (name: string) => query.get(name)?.split(',').map((s) => s.trim()).filter(Boolean);
    const select = list('$select');
    const expand = list('$expand')?.map((path) => path.split('/')[0]!);
    for (const name of expand ?? []) {
      if (!type.navigations.includes(name)) throw new ODataRequestError(400, `Property '${name}' in $expand is not a navigation property of ${type.name}`);
    }
    return { ...(select ? { select } : {}), ...(expand ? { expand } : {}) };
  }

  /** One entity as written on the wire, with its `$expand`ed navigations read from their own sets. */
  #write(set: string, type: EdmEntityType, id: string, entity: StoredEntity, shape: { select?: string[]; expand?: string[] }): JsonObject {
    const context = { serviceRoot: this.#o.serviceRoot(), model: this.#o.model };
    const expanded = new Map<string, Expanded>();
    for (const name of shape.expand ?? []) {
      const nav = this.#o.nodes.navigation(type.name, name);
      if (!nav) continue;
      const target = nav.set ? this.#typeOf(nav.set) : undefined;
      const prefix = `${name}/`;
      const select = shape.select?.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
      const rows = target ? this.#related(id, entity, nav).map(([rowId, row]) => writeEntity(context, nav.set!, rowId, row, select?.length ? { select } : {})) : [];
      expanded.set(name, { many: nav.many, rows });
    }
    return writeEntity(context, set, id, entity, { ...(shape.select ? { select: shape.select } : {}), expanded });
  }

  /**
   * A single entity's envelope: C4C's `{"d":{"results":{…}}}` (reference §2), or standard v2 `{"d":{…}}`
   * when the request sends `odata-v2-strict-json-format: true`, the compatibility header SAP added for
   * ByD/C4C (ByD support's answer in SAP/python-pyodata#88; @odata/client sends it for its `c4c`
   * variant) [unconfirmed for C4C; not in the reference yet].
   */
  #entityBody(op: ODataOperation, entity: JsonObject): { d: JsonObject } {
    return op.headers['odata-v2-strict-json-format']?.toLowerCase() === 'true' ? { d: entity } : entityBody(entity);
  }

  #answer(status: number, body: unknown, headers: Record<string, string> = {}): ODataAnswer {
    return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
  }

  #body(op: ODataOperation): unknown {
    if (!op.body || op.body.trim() === '') return {};
    try { return JSON.parse(op.body); } catch { throw new ODataRequestError(400, 'The request body is not valid JSON'); }
  }

  #query(set: string, type: EdmEntityType, op: ODataOperation, countOnly: boolean, scope?: { parentId: string; path: string }): ODataAnswer {
    const q = op.query;
    const filterText = q.get('$filter');
    const filterable = (name: string) => type.properties.some((p) => p.name === name && p.attributes['sap:filterable'] !== 'false');
    const predicate = filterText ? parseFilter(filterText, filterable) : () => true;
    let rows = this.#o.store.list(set).filter(([, e]) => (!scope || e.properties.ParentObjectID === scope.parentId) && predicate(e.properties));
    const orderby = q.get('$orderby');
    if (orderby) rows = sortRows(rows, orderby, type);
    if (countOnly) return { status: 200, headers: { 'content-type': 'text/plain', dataserviceversion: '2.0' }, body: String(rows.length) };
    const int = (name: string) => {
      const text = q.get(name);
      if (text === null) return undefined;
      if (!/^\d+$/.test(text)) throw new ODataRequestError(400, `Invalid value for ${name}: ${text}`);
      return Number(text);
    };
    const total = rows.length;
    // `$skiptoken` is the row offset the server's own next link carries (Atom sample: `?$skiptoken=1001`).
    const skip = (int('$skip') ?? 0) + Math.max(0, (int('$skiptoken') ?? 1) - 1);
    const top = int('$top');
    const shape = this.#shape(q, type);
    const page = shape.expand ? this.#o.expandPageSize : this.#o.pageSize;
    const limit = top === undefined ? page : Math.min(top, page);
    const slice = rows.slice(skip, skip + limit);
    let next: string | undefined;
    // Server paging applies when the page is full and more rows remain within `$top` (reference §2).
    if (slice.length === limit && skip + limit < total && (top === undefined || top > limit)) {
      const nextQuery = new URLSearchParams(q);
      nextQuery.delete('$skip');
      nextQuery.set('$skiptoken', String(skip + limit + 1));
      if (top !== undefined) nextQuery.set('$top', String(top - limit));
      next = `${this.#o.serviceRoot()}${scope?.path ?? set}?${nextQuery.toString()}`;
    }
    const results = slice.map(([id, entity]) => this.#write(set, type, id, entity, shape));
    const count = q.get('$inlinecount') === 'allpages' ? total : undefined;
    return this.#answer(200, collectionBody(results, { ...(count !== undefined ? { count } : {}), ...(next ? { next } : {}) }));
  }

  /** POST: the entity with its deep-inserted child rows, all or nothing. `parentId` for a POST through a navigation. */
  #create(set: string, type: EdmEntityType, op: ODataOperation, parentId?: string): ODataAnswer {
    const body = this.#body(op);
    const id = this.#o.store.transaction(() => {
      const created = this.#insertTree(set, type, body, parentId);
      const entity = this.#o.store.get(set, created)!;
      if (type.name === 'SocialMediaActivity' && !entity.properties.ParentSocialMediaActivityUUID) this.#openTicket(entity);
      return { commit: true, value: created };
    });
    const entity = this.#o.store.get(set, id)!;
    const headers = { location: `${this.#o.serviceRoot()}${set}('${id}')`, etag: etagOf(entity) };
    if (op.headers['odata-no-response-payload'] === 'true') return { status: 201, headers: { dataserviceversion: '2.0', ...headers }, body: '' };
    return this.#answer(201, this.#entityBody(op, this.#write(set, type, id, entity, {})), headers);
  }

  /**
   * Checks and stores one entity and, below it, the child rows of its deep-insert navigations (each
   * in the child node's own set, `ParentObjectID` = this entity). A child-node row needs an existing
   * parent: `parentId`, else the body's `ParentObjectID`. Returns the new ObjectID.
   * @throws ODataRequestError 400 for a bad body, a refused record, a missing parent, or a navigation
   *   that is not a child node; the caller's transaction undoes what was stored before
   */
  #insertTree(set: string, type: EdmEntityType, body: unknown, parentId?: string): string {
    const { properties, children } = readBody(type, body, 'create');
    const parentSet = this.#o.nodes.parentSetOf(type.name);
    if (parentSet) {
      const parent = parentId ?? properties.ParentObjectID;
      if (typeof parent !== 'string' || parent === '') throw new ODataRequestError(400, `ParentObjectID is required to create a ${type.name}`);
      if (!this.#o.store.get(parentSet, parent)) throw new ODataRequestError(400, `ParentObjectID '${parent}' does not identify an entity of ${parentSet}`);
      properties.ParentObjectID = parent;
    }
    const refused = this.#o.refuse?.(type.name, properties);
    if (refused) throw new ODataRequestError(400, refused);
    const id = this.#insert(set, type, properties);
    for (const [name, rows] of Object.entries(children)) {
      const nav = this.#o.nodes.navigation(type.name, name);
      const target = nav?.kind === 'children' && nav.set ? this.#typeOf(nav.set) : undefined;
      if (!nav || !target) throw new ODataRequestError(400, `Navigation property '${name}' of ${type.name} is not a child node and cannot be deep-inserted`);
      if (!nav.many && rows.length > 1) throw new ODataRequestError(400, `Navigation property '${name}' of ${type.name} takes one row`);
      for (const row of rows) this.#insertTree(nav.set!, target, row, id);
    }
    return id;
  }

  /**
   * Stores a new entity with server-set ObjectID, UUID, readable ID (root nodes only: a child row's
   * `ID`, when its type has one, is business data such as a referenced document's number) and change
   * stamps; returns its ObjectID.
   */
  #insert(set: string, type: EdmEntityType, properties: JsonObject): string {
    const id = newObjectId();
    const changedAt = this.#o.store.changeTime(this.#o.now());
    const has = (name: string) => type.properties.some((p) => p.name === name);
    const stamped: JsonObject = { ...properties, ObjectID: id };
    if (has('UUID')) stamped.UUID = toGuid(id);
    if (has('ID') && stamped.ID === undefined && !this.#o.nodes.parentSetOf(type.name)) stamped.ID = this.#o.store.nextReadableId();
    this.#stamp(type, stamped, changedAt, true);
    this.#o.store.put(set, id, { properties: stamped, changedAt });
    return id;
  }

  /** Deletes an entity and, first, its child-node rows, recursively: C4C nodes are compositions. */
  #remove(set: string, type: EdmEntityType, id: string): void {
    const entity = this.#o.store.get(set, id);
    if (!entity) return;
    for (const nav of this.#o.nodes.childNavigations(type.name)) {
      const target = this.#typeOf(nav.set!);
      for (const [childId] of this.#related(id, entity, nav)) if (target) this.#remove(nav.set!, target, childId);
    }
    this.#o.store.delete(set, id);
  }

  #stamp(type: EdmEntityType, properties: JsonObject, changedAt: number, created: boolean): void {
    for (const name of ['EntityLastChangedOn', 'ETag', 'LastChangeDateTime', 'ChangedOn', ...(created ? ['CreationDateTime', 'CreatedOn'] : [])]) {
      if (type.properties.some((p) => p.name === name)) properties[name] = toODataDate(changedAt);
    }
  }

  /**
   * A root social media activity makes C4C open an empty service ticket in the same transaction,
   * findable by a document reference `ID eq '<SMA ID>' and TypeCode eq '1607'` whose ParentObjectID is
   * the ticket (reference §5.2, from the WeChat sample; the type code [unconfirmed], configurable).
   */
  #openTicket(activity: StoredEntity): void {
    const ticketType = this.#typeOf('ServiceRequestCollection');
    const referenceType = this.#typeOf('ServiceRequestBusinessTransactionDocumentReferenceCollection');
    if (!ticketType || !referenceType) return;
    // Status/processing codes as reads show them (reference §5.3); origin code for social [unconfirmed].
    const ticket = this.#insert('ServiceRequestCollection', ticketType, { Name: '', ServiceRequestLifeCycleStatusCode: '1', ServiceRequestUserLifeCycleStatusCode: '1', ProcessingTypeCode: 'SRRQ', ServicePriorityCode: '3' });
    const reference: JsonObject = { ParentObjectID: ticket, ID: activity.properties.ID, TypeCode: this.#o.ticketReferenceTypeCode };
    this.#insert('ServiceRequestBusinessTransactionDocumentReferenceCollection', referenceType, reference);
  }

  /**
   * PATCH (merge) or PUT (replace) of one entity, a child-node row included. The parent's ETag is left
   * as it is: whether C4C moves a root's ETag when a child node changes is [unconfirmed].
   */
  #update(set: string, type: EdmEntityType, id: string, entity: StoredEntity, op: ODataOperation, replace: boolean): ODataAnswer {
    const { properties } = readBody(type, this.#body(op), 'update');
    const refused = this.#o.refuse?.(type.name, { ...entity.properties, ...properties });
    if (refused) throw new ODataRequestError(400, refused);
    const changedAt = this.#o.store.changeTime(this.#o.now());
    let next: JsonObject;
    if (replace) {
      // PUT replaces: updatable properties absent from the body are cleared; read-only ones stay.
      next = Object.fromEntries(Object.entries(entity.properties).filter(([name]) => type.properties.find((p) => p.name === name)?.attributes['sap:updatable'] === 'false'));
      Object.assign(next, properties);
    } else {
      next = { ...entity.properties, ...properties };
    }
    this.#stamp(type, next, changedAt, false);
    const updated = { properties: next, changedAt };
    this.#o.store.put(set, id, updated);
    return { status: 204, headers: { dataserviceversion: '2.0', etag: etagOf(updated) }, body: '' };
  }

  /**
   * Moves child rows that a data file from an older sandbox keeps nested in their parent
   * (`children.<Navigation>`) into their child node's set, as rows of their own. Called once at start;
   * returns how many rows moved. Nested rows of a navigation that is not a child node are dropped.
   */
  adoptNestedChildren(): number {
    let moved = 0;
    this.#o.store.transaction(() => {
      for (const set of [...this.#o.store.counts().keys()]) {
        const type = this.#typeOf(set);
        for (const [id, entity] of this.#o.store.list(set)) {
          const legacy = (entity as StoredEntity & { children?: Record<string, JsonObject[]> }).children;
          if (!type || legacy === undefined) continue;
          for (const [name, rows] of Object.entries(legacy)) {
            const nav = this.#o.nodes.navigation(type.name, name);
            const target = nav?.kind === 'children' && nav.set ? this.#typeOf(nav.set) : undefined;
            if (!target) continue;
            for (const row of rows) { this.#insert(nav!.set!, target, { ...row, ParentObjectID: id }); moved++; }
          }
          this.#o.store.put(set, id, { properties: entity.properties, changedAt: entity.changedAt });
        }
      }
      return { commit: true, value: undefined };
    });
    return moved;
  }
}
