/**
 * Shapes shared by the Salesforce sandbox's parts (describe, validation, SOQL, routes). They follow
 * Salesforce's own JSON (REST API Developer Guide: "sObject Describe", "Query"), so what the sandbox
 * serves is what jsforce and any other Salesforce client expect.
 */

/** One picklist entry as describe gives it. */
export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
  validFor: string | null;
}

/**
 * One field of `GET /sobjects/{Object}/describe`. Only the keys the sandbox relies on are typed;
 * the real describe output carries more (kept as they are, via the index signature).
 */
export interface FieldDescribe {
  name: string;
  label: string;
  /** Salesforce's field type: id, string, textarea, picklist, multipicklist, reference, boolean, int, double, currency, percent, date, datetime, url, email, phone, address, location, … */
  type: string;
  /** Characters, for text types; 0 otherwise. */
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  externalId: boolean;
  idLookup: boolean;
  unique: boolean;
  custom: boolean;
  calculated: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  polymorphicForeignKey: boolean;
  picklistValues: PicklistValue[];
  restrictedPicklist: boolean;
  defaultValue: unknown;
  precision: number;
  scale: number;
  digits: number;
  filterable: boolean;
  sortable: boolean;
  [key: string]: unknown;
}

export interface ChildRelationship {
  childSObject: string;
  field: string;
  relationshipName: string | null;
  cascadeDelete: boolean;
  [key: string]: unknown;
}

/** `GET /sobjects/{Object}/describe`, as served. */
export interface SObjectDescribe {
  name: string;
  label: string;
  labelPlural: string;
  /** The 3-character id prefix of the object's records (`001` Account). */
  keyPrefix: string;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  custom: boolean;
  fields: FieldDescribe[];
  childRelationships: ChildRelationship[];
  [key: string]: unknown;
}

/** A stored record: field name → value, always with `Id`. Values are JSON (dates as ISO strings). */
export type SandboxRecord = Record<string, unknown> & { Id: string };

/**
 * An error item as Salesforce writes it. Top-level errors (`[{…}]` bodies) use `errorCode`;
 * per-record items of sObject Collections use `statusCode` (REST guide, "sObject Collections").
 */
export interface SalesforceErrorItem {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A request-level refusal: answered as `status` with body `[{ message, errorCode, fields? }]`. */
export class SalesforceRequestError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;
  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.name = 'SalesforceRequestError';
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }

  /** The response body Salesforce sends for it. */
  toBody(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}
