/**
 * Creates, upserts, updates and deletes rows (../shared/reference/oracle-cx.md §3, §6): payload
 * validation, defaults, server-assigned keys, foreign keys, the unique (network, user ID) of
 * socialUsers, `_faults.rules`, change indicators and `If-Match`. A new social post is processed
 * (social-posts.ts) in the same unit of work. Callers run these inside `store.transaction`.
 */
import type { OracleCxSandboxConfig } from './config.ts';
import { OracleCxError } from './errors.ts';
import { RESOURCES, TABLES, type ResourceSpec } from './resource-model.ts';
import type { RecordStore, StoredRecord } from './record-store.ts';
import { processPost } from './social-posts.ts';
import { validatePayload } from './validate.ts';

/** Where a row lives: its resource, its table, and for a child the parent's key (an SR number). */
export interface Scope {
  resource: ResourceSpec;
  table: string;
  parent?: string;
}

/** What the writer needs: the store, the LOVs, the clock (epoch ms), and the `_faults.rules` check. */
export interface WriterDeps {
  store: RecordStore;
  config: Pick<OracleCxSandboxConfig, 'socialNetworkCodes' | 'postMessageTypeCodes' | 'severityCodes'>;
  now: () => number;
  refuse: (object: string, values: Readonly<Record<string, unknown>>) => { errorCode: string; message: string } | undefined;
}

/** Server-assigned key attributes per table (contract: int64 ids from 300000000000001, `SR…`, `CDRM_…`). */
const NEW_KEYS: Readonly<Record<string, (store: RecordStore) => Record<string, unknown>>> = {
  socialUsers: (store) => ({ UserId: store.nextId() }),
  socialPosts: (store) => ({ PostId: store.nextId() }),
  serviceRequests: (store) => ({ SrId: store.nextId(), SrNumber: store.nextSrNumber() }),
  messages: (store) => ({ MessageId: store.nextId() }),
  contacts: (store) => ({ PartyId: store.nextId(), PartyNumber: store.nextPartyNumber() }),
};

const MESSAGES_SCOPE = (srNumber: string): Scope => ({ resource: RESOURCES.serviceRequests!.children!.messages!, table: 'messages', parent: srNumber });
const notFound = (scope: Scope, key: string) => new OracleCxError(404, `The requested resource ${scope.resource.name}/${key} was not found.`, { errorCode: 'OAS-NOT-FOUND' });

/** An ETag as `If-Match` sends it, bare: quotes and a weak prefix removed. */
const bareTag = (tag: string) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

/** Row-level writes with the pod's rules. */
export class RecordWriter {
  /** The attributes the writer and social-posts.ts look rows up by: pass them to the RecordStore as `indexes`. */
  static readonly INDEXES: Readonly<Record<string, readonly string[]>> = {
    socialUsers: ['SocialNetworkUserId'], socialPosts: ['SourcePostIdPrimary'], serviceRequests: ['SrId'], contacts: ['PartyId'],
  };

  readonly #deps: WriterDeps;
  constructor(deps: WriterDeps) { this.#deps = deps; }

  /** The row `key` in `scope` (for a child: only under its parent). */
  find(scope: Scope, key: string): StoredRecord | undefined {
    const row = this.#deps.store.get(scope.table, key);
    return row && row.parent === scope.parent ? row : undefined;
  }

  /**
   * POST: creates a row, or with `upsert` (Upsert-Mode) updates the row the payload's key or
   * alternate key names. @returns the row, its key, and whether it was created
   * @throws OracleCxError 400 (validation, duplicate), 405 (an upsert that would update a resource without PATCH)
   */
  create(scope: Scope, body: unknown, upsert: boolean): { record: StoredRecord; key: string; created: boolean } {
    const { resource } = scope;
    if (upsert) {
      const match = this.#upsertMatch(scope, body);
      if (match) {
        if (!resource.methods.includes('PATCH')) throw new OracleCxError(405, 'Invalid operation update for the specified resource.', { errorCode: 'OAS-METHOD' });
        const payload = { ...(body as Record<string, unknown>) };
        delete payload[resource.key];
        return { ...this.update(scope, match, payload, undefined), created: false };
      }
    }
    const values = validatePayload(resource, body, 'create', this.#deps.config, upsert ? [resource.key] : []);
    const record = this.#insert(scope, values);
    return { record, key: String(record.values[resource.key]), created: true };
  }

  /**
   * PATCH: merges a partial payload into the row. @throws OracleCxError 404, 412 (stale If-Match), 400
   */
  update(scope: Scope, key: string, body: unknown, ifMatch: string | undefined): { record: StoredRecord; key: string } {
    const row = this.#existing(scope, key, ifMatch);
    const changes = validatePayload(scope.resource, body, 'update', this.#deps.config);
    const values = { ...row.values, ...changes };
    this.#check(scope, values, key);
    if (scope.resource.attributes.some((a) => a.name === 'LastUpdateDate')) values.LastUpdateDate = this.#timestamp();
    const record: StoredRecord = { values, changeIndicator: this.#deps.store.nextChangeIndicator(), ...(scope.parent ? { parent: scope.parent } : {}) };
    this.#deps.store.put(scope.table, key, record);
    return { record, key };
  }

  /** DELETE: removes the row (an SR with its messages). @throws OracleCxError 404, 412 */
  remove(scope: Scope, key: string, ifMatch: string | undefined): void {
    this.#existing(scope, key, ifMatch);
    const { store } = this.#deps;
    store.delete(scope.table, key);
    for (const child of Object.keys(scope.resource.children ?? {})) {
      for (const [childKey, row] of store.list(child)) if (row.parent === key) store.delete(child, childKey);
    }
  }

  #existing(scope: Scope, key: string, ifMatch: string | undefined): StoredRecord {
    const row = this.find(scope, key);
    if (!row) throw notFound(scope, key);
    if (ifMatch !== undefined && !ifMatch.split(',').some((tag) => bareTag(tag) === '*' || bareTag(tag) === row.changeIndicator)) {
      throw new OracleCxError(412, `The row ${scope.resource.name}/${key} was changed by another user (If-Match does not match its change indicator).`, { errorCode: 'OAS-PRECONDITION' });
    }
    return row;
  }

  #upsertMatch(scope: Scope, body: unknown): string | undefined {
    if (typeof body !== 'object' || body === null) return undefined;
    const payload = body as Record<string, unknown>;
    const { resource } = scope;
    const key = payload[resource.key];
    if (key !== undefined && key !== null) return this.find(scope, String(key)) ? String(key) : undefined;
    const alternate = resource.alternateKey;
    if (!alternate || alternate.some((name) => payload[name] === undefined || payload[name] === null)) return undefined;
    return this.#rowWith(scope, alternate, payload)?.[0];
  }

  #rowWith(scope: Scope, names: readonly string[], values: Readonly<Record<string, unknown>>): [string, StoredRecord] | undefined {
    return this.#deps.store.findBy(scope.table, names[0]!, values[names[0]!]).find(([, row]) => row.parent === scope.parent && names.every((n) => row.values[n] === values[n]));
  }

  /** Foreign keys, the alternate key's uniqueness, derived values and `_faults.rules`; `self` is the row's own key on update. */
  #check(scope: Scope, values: Record<string, unknown>, self: string | undefined): void {
    const { resource } = scope;
    for (const attribute of resource.attributes) {
      const value = values[attribute.name];
      if (!attribute.references || value === null || value === undefined) continue;
      if (!this.#referenced(attribute.references, value)) {
        throw new OracleCxError(400, `Attribute ${attribute.name} has an invalid value. No ${attribute.references.resource} row has ${attribute.references.attribute} ${String(value)}.`,
          { errorCode: 'JBO-27024', path: `/${attribute.name}` });
      }
    }
    if (resource.alternateKey) {
      const twin = this.#rowWith(scope, resource.alternateKey, values);
      if (twin && twin[0] !== self) {
        const pairs = resource.alternateKey.map((n) => `${n} ${String(values[n])}`).join(' and ');
        throw new OracleCxError(400, `A row with ${pairs} already exists in ${resource.name}.`, { errorCode: 'JBO-25013' });
      }
    }
    if (resource.name === 'serviceRequests') {
      const contact = values.PrimaryContactPartyId === null || values.PrimaryContactPartyId === undefined ? undefined
        : this.#deps.store.findBy('contacts', 'PartyId', values.PrimaryContactPartyId)[0]?.[1];
      values.PrimaryContactPartyName = contact ? [contact.values.FirstName, contact.values.LastName].filter(Boolean).join(' ') : null;
    }
    const rule = this.#deps.refuse(resource.name, values);
    if (rule) throw new OracleCxError(400, rule.message, { errorCode: rule.errorCode });
  }

  #referenced(reference: { resource: string; attribute: string }, value: unknown): boolean {
    const target = TABLES.find((t) => t.name === reference.resource)!;
    if (target.key === reference.attribute) return this.#deps.store.get(target.name, String(value)) !== undefined;
    return this.#deps.store.findBy(target.name, reference.attribute, value).length > 0;
  }

  /** Inserts validated values: defaults, checks, keys, dates, and a social post's processing. */
  #insert(scope: Scope, given: Record<string, unknown>): StoredRecord {
    const { resource } = scope;
    const { store } = this.#deps;
    const values: Record<string, unknown> = {};
    for (const attribute of resource.attributes) {
      if (given[attribute.name] !== undefined) values[attribute.name] = given[attribute.name];
      else if (attribute.default !== undefined) values[attribute.name] = attribute.default;
    }
    this.#check(scope, values, undefined);
    Object.assign(values, NEW_KEYS[scope.table]!(store));
    const now = this.#timestamp();
    for (const name of ['CreationDate', 'LastUpdateDate']) if (resource.attributes.some((a) => a.name === name)) values[name] = now;
    if (resource.name === 'serviceRequests' && values.OpenDate === undefined) values.OpenDate = now;
    if (resource.name === 'socialPosts') {
      Object.assign(values, processPost(values, {
        store,
        createServiceRequest: (sr) => this.#insert({ resource: RESOURCES.serviceRequests!, table: 'serviceRequests' }, sr),
        createMessage: (srNumber, message) => this.#insert(MESSAGES_SCOPE(srNumber), message),
      }));
    }
    const record: StoredRecord = { values, changeIndicator: store.nextChangeIndicator(), ...(scope.parent ? { parent: scope.parent } : {}) };
    store.put(scope.table, String(values[resource.key]), record);
    return record;
  }

  #timestamp(): string {
    return new Date(this.#deps.now()).toISOString();
  }
}
