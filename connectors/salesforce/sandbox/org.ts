import { RecordStore } from './record-store.ts';
import { SalesforceRequestError, type SalesforceErrorItem, type SandboxRecord, type SObjectDescribe } from './types.ts';
import { applyCreateDefaults, isSalesforceId, makeSalesforceId, normalizeFields, validateRecord } from './validate.ts';

/** One item of a save result, as Salesforce answers it (REST guide: sObject Collections; reference §3–4). */
export interface SaveResult {
  id?: string;
  success: boolean;
  errors: SalesforceErrorItem[];
  created?: boolean;
}

/** A record write, before it is applied. */
interface PlannedWrite {
  object: string;
  /** The record as it will be stored. */
  record: SandboxRecord;
  created: boolean;
}

/** Most records in one sObject Collections call. */
export const COLLECTION_LIMIT = 200;

const ROLLED_BACK: SalesforceErrorItem = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

/**
 * The simulated org: its objects (describes) and records, and the write semantics of Salesforce's
 * REST API — ids with key prefixes, system fields, validation, upsert matching, allOrNone.
 * No HTTP here: the routes translate requests into these calls.
 */
export class SandboxOrg {
  readonly describes: Map<string, SObjectDescribe>;
  readonly store: RecordStore;
  readonly #byLowerName: Map<string, SObjectDescribe>;
  readonly #userId: string;
  readonly #now: () => Date;
  /** An org's own validation (rules, triggers): an error for a record about to be written, or undefined. */
  recordRule: (object: string, record: Record<string, unknown>) => SalesforceErrorItem | undefined = () => undefined;

  constructor(options: { describes: Map<string, SObjectDescribe>; store: RecordStore; userId: string; now?: () => Date }) {
    this.describes = options.describes;
    this.store = options.store;
    this.#byLowerName = new Map([...options.describes.values()].map((d) => [d.name.toLowerCase(), d]));
    this.#userId = options.userId;
    this.#now = options.now ?? (() => new Date());
  }

  /** The describe of an object by API name, any case. */
  describe(object: string): SObjectDescribe | undefined {
    return this.#byLowerName.get(object.toLowerCase());
  }

  /**
   * The describe, or the 404 Salesforce answers for an object it does not have.
   * @throws SalesforceRequestError 404 NOT_FOUND
   */
  requireDescribe(object: string): SObjectDescribe {
    const describe = this.describe(object);
    if (!describe) throw new SalesforceRequestError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return describe;
  }

  /** A live record by id, with its object. */
  byId(id: string): { object: string; record: SandboxRecord } | undefined {
    return this.store.byId(id);
  }

  /**
   * Creates records (`POST /composite/sobjects`, or one through `POST /sobjects/{Object}`).
   * @throws SalesforceRequestError for request-level problems (unknown object or field, a value of the wrong JSON type)
   */
  create(items: Array<{ object: string; fields: Record<string, unknown> }>, allOrNone: boolean): SaveResult[] {
    const planned = items.map(({ object, fields }) => {
      const describe = this.requireDescribeForWrite(object);
      const resolved = this.#resolveParents(describe, normalizeFields(describe, fields));
      if (resolved.errors) return { errors: resolved.errors };
      const normalized = resolved.fields;
      if ('Id' in normalized) return { errors: [{ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: 'cannot specify Id in an insert call', fields: ['Id'] }] };
      const errors = validateRecord(describe, normalized, 'create', this.#references());
      if (errors.length > 0) return { errors };
      return { write: this.#newRecord(describe, applyCreateDefaults(describe, normalized)) };
    });
    return this.#commit(planned, allOrNone);
  }

  /**
   * Updates records by id (`PATCH /composite/sobjects`, or `PATCH /sobjects/{Object}/{id}`).
   * @throws SalesforceRequestError for request-level problems
   */
  update(items: Array<{ object: string | undefined; id: string | undefined; fields: Record<string, unknown> }>, allOrNone: boolean): SaveResult[] {
    const planned = items.map(({ object, id, fields }) => {
      if (!id) return { errors: [{ statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] }] };
      if (!isSalesforceId(id)) return { errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: [] }] };
      const found = this.store.byId(id);
      if (!found) {
        return { errors: [this.store.wasDeleted(id)
          ? { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }
          : { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] };
      }
      const describe = this.requireDescribeForWrite(object ?? found.object);
      if (describe.name !== found.object) return { errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] };
      const resolved = this.#resolveParents(describe, normalizeFields(describe, fields));
      if (resolved.errors) return { errors: resolved.errors };
      const normalized = resolved.fields;
      delete normalized.Id;
      const errors = validateRecord(describe, normalized, 'update', this.#references());
      if (errors.length > 0) return { errors };
      return { write: { object: describe.name, record: this.#touched({ ...found.record, ...normalized }, describe), created: false } };
    });
    return this.#commit(planned, allOrNone);
  }

  /**
   * Upserts records of one object on an external-id field (`PATCH /composite/sobjects/{Object}/{field}`,
   * or `PATCH /sobjects/{Object}/{field}/{value}` with `single`). A value matching several records is
   * `DUPLICATE_EXTERNAL_ID` (a single upsert answers 300 instead: the caller checks `matches`).
   * @throws SalesforceRequestError 400 INVALID_FIELD / 404 NOT_FOUND when `keyField` is not an External ID or idLookup field
   */
  upsert(object: string, keyField: string, items: Array<{ fields: Record<string, unknown> }>, allOrNone: boolean): SaveResult[] {
    const describe = this.requireDescribeForWrite(object);
    const key = this.upsertKey(describe, keyField);
    const seen = new Map<string, number>();
    for (const item of items) {
      const value = keyValue(item.fields, key);
      if (value !== undefined) seen.set(value.toLowerCase(), (seen.get(value.toLowerCase()) ?? 0) + 1);
    }
    const planned = items.map(({ fields }) => {
      const resolved = this.#resolveParents(describe, normalizeFields(describe, fields));
      if (resolved.errors) return { errors: resolved.errors };
      const normalized = resolved.fields;
      const value = keyValue(normalized, key);
      if (value === undefined || value === '') return { errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${key}]`, fields: [key] }] };
      if ((seen.get(value.toLowerCase()) ?? 0) > 1) return { errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Duplicate external id specified: ${value}`, fields: [key] }] };
      const matches = this.findByKey(describe, key, value);
      if (matches.length > 1) return { errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `${key}: more than one record found for external id field: [${matches.map((m) => m.Id).join(', ')}]`, fields: [key] }] };
      const existing = matches[0];
      if (existing) {
        const changes = { ...normalized };
        delete changes.Id;
        const errors = validateRecord(describe, changes, 'update', this.#references());
        if (errors.length > 0) return { errors };
        return { write: { object: describe.name, record: this.#touched({ ...existing, ...changes }, describe), created: false } };
      }
      const errors = validateRecord(describe, normalized, 'create', this.#references());
      if (errors.length > 0) return { errors };
      return { write: this.#newRecord(describe, applyCreateDefaults(describe, normalized)) };
    });
    return this.#commit(planned, allOrNone);
  }

  /** Deletes records by id (`DELETE /composite/sobjects?ids=`, or `DELETE /sobjects/{Object}/{id}`). */
  delete(ids: string[], allOrNone: boolean): SaveResult[] {
    const checked = ids.map((id): { id: string; errors?: SalesforceErrorItem[]; object?: string } => {
      if (!isSalesforceId(id)) return { id, errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: [] }] };
      const found = this.store.byId(id);
      if (!found) return { id, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
      return { id: found.record.Id, object: found.object };
    });
    const failed = checked.some((c) => c.errors);
    if (allOrNone && failed) return checked.map((c) => ({ id: c.id, success: false, errors: c.errors ?? [ROLLED_BACK] }));
    return checked.map((c) => {
      if (c.errors) return { id: c.id, success: false, errors: c.errors };
      this.store.remove(c.object!, c.id);
      return { id: c.id, success: true, errors: [] };
    });
  }

  /**
   * Deletes records for good (Bulk API 2.0 `hardDelete`, reference §9): as `delete` checks them, but
   * nothing is kept in the recycle bin, so `queryAll` no longer finds them. Never all-or-none (bulk
   * jobs are not).
   */
  hardDelete(ids: string[]): SaveResult[] {
    return ids.map((id) => {
      if (!isSalesforceId(id)) return { id, success: false, errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: [] }] };
      const found = this.store.byId(id);
      if (!found) return { id, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
      this.store.erase(found.object, found.record.Id);
      return { id: found.record.Id, success: true, errors: [] };
    });
  }

  /** Live records of an object whose `key` equals `value` (case-insensitive, as External IDs are by default). */
  findByKey(describe: SObjectDescribe, key: string, value: string): SandboxRecord[] {
    if (key === 'Id') { const found = this.store.byId(value); return found && found.object === describe.name ? [found.record] : []; }
    const wanted = value.toLowerCase();
    return [...this.store.live(describe.name).values()].filter((r) => typeof r[key] === 'string' && (r[key] as string).toLowerCase() === wanted);
  }

  /**
   * The describe's spelling of an upsert key field, which must be an External ID or idLookup field.
   * @throws SalesforceRequestError 400 INVALID_FIELD otherwise
   */
  upsertKey(describe: SObjectDescribe, keyField: string): string {
    const field = describe.fields.find((f) => f.name.toLowerCase() === keyField.toLowerCase());
    if (!field || !(field.externalId || field.idLookup)) {
      throw new SalesforceRequestError(400, 'INVALID_FIELD', `Field name provided, ${keyField} is not an External ID or indexed field for ${describe.name}`);
    }
    return field.name;
  }

  requireDescribeForWrite(object: string): SObjectDescribe {
    const describe = this.describe(object);
    if (!describe) throw new SalesforceRequestError(400, 'INVALID_TYPE', `sObject type '${object}' is not supported.`);
    return describe;
  }

  /**
   * Parent references by external id (`"Account": { "Key__c": "acme" }`, with `attributes.type` for
   * a polymorphic lookup) become the parent's Id (REST guide: "Insert or update records using a
   * parent's external ID"). The key must be an External ID or idLookup field of the parent.
   */
  #resolveParents(describe: SObjectDescribe, fields: Record<string, unknown>): { fields: Record<string, unknown>; errors?: SalesforceErrorItem[] } {
    const out = { ...fields };
    const errors: SalesforceErrorItem[] = [];
    for (const [name, value] of Object.entries(fields)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const field = describe.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === name.toLowerCase());
      if (!field) continue;
      const { attributes, ...keys } = value as Record<string, unknown> & { attributes?: { type?: unknown } };
      const type = typeof attributes?.type === 'string' ? attributes.type : field.referenceTo.length === 1 ? field.referenceTo[0] : undefined;
      const parent = type ? this.describe(type) : undefined;
      const entries = Object.entries(keys);
      if (!parent || !field.referenceTo.some((t) => t.toLowerCase() === parent.name.toLowerCase()) || entries.length !== 1) {
        errors.push({ statusCode: 'INVALID_FIELD', message: `${field.relationshipName}: a parent reference needs ${field.referenceTo.length > 1 ? 'attributes.type and ' : ''}exactly one External ID field`, fields: [field.name] });
        continue;
      }
      const [keyName, keyValue] = entries[0]!;
      const keyField = parent.fields.find((f) => f.name.toLowerCase() === keyName.toLowerCase());
      if (!keyField || !(keyField.externalId || keyField.idLookup)) {
        errors.push({ statusCode: 'INVALID_FIELD', message: `Field name provided, ${keyName} is not an External ID or indexed field for ${parent.name}`, fields: [field.name] });
        continue;
      }
      const matches = this.findByKey(parent, keyField.name, String(keyValue));
      if (matches.length !== 1) {
        errors.push(matches.length === 0
          ? { statusCode: 'INVALID_FIELD', message: `Foreign key external ID: ${String(keyValue)} not found for field ${keyField.name} in entity ${parent.name}`, fields: [field.name] }
          : { statusCode: 'DUPLICATE_EXTERNAL_ID', message: `Foreign key external ID: ${String(keyValue)} matched more than one record for field ${keyField.name} in entity ${parent.name}`, fields: [field.name] });
        continue;
      }
      delete out[name];
      out[field.name] = matches[0]!.Id;
    }
    return errors.length > 0 ? { fields: out, errors } : { fields: out };
  }

  #references() {
    return { recordById: (id: string) => this.store.byId(id) };
  }

  #newRecord(describe: SObjectDescribe, fields: Record<string, unknown>): PlannedWrite {
    const now = this.#now().toISOString().replace('Z', '+0000');
    const id = makeSalesforceId(describe.keyPrefix, this.store.nextCounter());
    const system: Record<string, unknown> = { Id: id, CreatedDate: now, LastModifiedDate: now, SystemModstamp: now, CreatedById: this.#userId, LastModifiedById: this.#userId, IsDeleted: false };
    const has = new Set(describe.fields.map((f) => f.name));
    if (has.has('OwnerId') && fields.OwnerId === undefined) system.OwnerId = this.#userId;
    if (has.has('CaseNumber')) system.CaseNumber = String(this.store.nextCounter()).padStart(8, '0');
    const record = Object.fromEntries(Object.entries({ ...fields, ...system }).filter(([name]) => has.has(name))) as SandboxRecord;
    return { object: describe.name, record: withCompoundName(describe, record), created: true };
  }

  #touched(record: SandboxRecord, describe?: SObjectDescribe): SandboxRecord {
    const now = this.#now().toISOString().replace('Z', '+0000');
    const touched = { ...record, LastModifiedDate: now, SystemModstamp: now, LastModifiedById: this.#userId };
    return describe ? withCompoundName(describe, touched) : touched;
  }

  // allOrNone: nothing is written unless every item is valid; the valid ones then carry ROLLED_BACK.
  #commit(planned: Array<{ errors?: SalesforceErrorItem[]; write?: PlannedWrite }>, allOrNone: boolean): SaveResult[] {
    if (allOrNone) {
      for (const p of planned) {
        const refused = p.write ? this.recordRule(p.write.object, p.write.record) : undefined;
        if (refused) { p.errors = [refused]; delete p.write; }
      }
    }
    const failed = planned.some((p) => p.errors);
    if (allOrNone && failed) {
      return planned.map((p) => p.errors ? { success: false, errors: p.errors } : { success: false, errors: [ROLLED_BACK] });
    }
    return planned.map((p) => {
      if (p.errors) return { success: false, errors: p.errors };
      const write = p.write!;
      const refused = this.recordRule(write.object, write.record);
      if (refused) return { success: false, errors: [refused] };
      this.store.put(write.object, write.record);
      return { id: write.record.Id, success: true, errors: [], created: write.created };
    });
  }
}

/**
 * Contact's and Lead's `Name` is a compound of the name parts, not writable (describe: createable
 * false): Salesforce fills it in, "First Last" in English locales.
 */
function withCompoundName(describe: SObjectDescribe, record: SandboxRecord): SandboxRecord {
  const name = describe.fields.find((f) => f.name === 'Name');
  if (!name || name.createable || !describe.fields.some((f) => f.name === 'LastName')) return record;
  const parts = [record.FirstName, record.MiddleName, record.LastName, record.Suffix].filter((p) => typeof p === 'string' && p !== '');
  return { ...record, Name: parts.join(' ') };
}

function keyValue(fields: Record<string, unknown>, key: string): string | undefined {
  const value = fields[key];
  return value === undefined || value === null ? undefined : String(value);
}

export { SalesforceRequestError };
