/**
 * What a caller of the SOQL engine gives it (a `SoqlContext`) and gets back (a `SoqlResult` or a
 * `SoqlError`). Re-exported by `../soql.ts`, the module the rest of the sandbox imports.
 */
import { SalesforceRequestError, type SObjectDescribe, type SandboxRecord } from '../types.ts';

export interface SoqlContext {
  /** The describe of an object by API name, case-insensitive; undefined when unknown. */
  describe(object: string): SObjectDescribe | undefined;
  /** Every live record of the object (records carry Salesforce field names; Id always present). */
  records(object: string): Iterable<SandboxRecord>;
  /** Deleted records still kept (for queryAll); may be empty. */
  deletedRecords?(object: string): Iterable<SandboxRecord>;
  /** Finds any record by Id, for parent relationship fields such as `Persona.Name` or `Owner.Name`; undefined when absent. */
  recordById(id: string): { object: string; record: SandboxRecord } | undefined;
}

export interface SoqlResult {
  /** true for `SELECT count() ...`: totalSize is the count and records is []. */
  isCount: boolean;
  totalSize: number;
  /** Rows in order, each `{ attributes: { type, url }, <selected fields as named in the describe, in select order> }`. */
  records: Array<Record<string, unknown>>;
}

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE';

/**
 * A query Salesforce would refuse with 400 `[{ message, errorCode }]`. It is a
 * `SalesforceRequestError` so a route can answer it with `toBody()` like any other refusal.
 */
export class SoqlError extends SalesforceRequestError {
  declare readonly errorCode: SoqlErrorCode;
  constructor(errorCode: SoqlErrorCode, message: string) {
    super(400, errorCode, message);
    this.name = 'SoqlError';
  }
}

export function malformed(message: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', message);
}
