/**
 * What a Bulk API 2.0 ingest job does with its rows (reference §9): each row goes through the same
 * org — validation, rules, upsert matching — as a REST write does, on its own, so one bad row fails
 * alone with the error text REST would answer. Whole-job problems (a column the object does not
 * have, a delete file with other columns than Id) fail the job instead, as Salesforce's
 * `InvalidBatch` does.
 */
import { NULL_CELL, type CsvTable } from './bulk-csv.ts';
import type { SandboxOrg, SaveResult } from './org.ts';
import { SalesforceRequestError, type SalesforceErrorItem, type SObjectDescribe } from './types.ts';

/** Operations of an ingest job (Bulk API 2.0 Developer Guide, "Create a Job"). */
export const INGEST_OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
export type IngestOperation = typeof INGEST_OPERATIONS[number];

/** One processed row: its cells as uploaded and the save result. */
export interface ProcessedRow {
  cells: string[];
  result: SaveResult;
}

/** What a job needs to process rows. */
export interface RowContext {
  org: SandboxOrg;
  describe: SObjectDescribe;
  operation: IngestOperation;
  /** `upsert`: the job's `externalIdFieldName`. */
  externalIdFieldName?: string;
  /** Rows hit by an injected lock fault (`_faults.errors.UNABLE_TO_LOCK_ROW`), decided per row. */
  locked?: (rowIndex: number) => boolean;
  lockError?: SalesforceErrorItem;
}

/**
 * Why the header makes the whole job fail, or undefined. The texts are Bulk API's `InvalidBatch`
 * messages: "Field name not found : Foo" [observed, Bulk API 1.0 and 2.0 job errors],
 * "The 'delete' batch must contain only ids" [observed].
 */
export function headerProblem(columns: readonly string[], context: Pick<RowContext, 'describe' | 'operation' | 'org'>): string | undefined {
  if (context.operation === 'delete' || context.operation === 'hardDelete') {
    return columns.length === 1 && columns[0]!.toLowerCase() === 'id' ? undefined : `InvalidBatch : The '${context.operation}' batch must contain only ids`;
  }
  for (const column of columns) {
    if (!knownColumn(column, context.describe, context.org)) return `InvalidBatch : Field name not found : ${column}`;
  }
  return undefined;
}

function knownColumn(column: string, describe: SObjectDescribe, org: SandboxOrg): boolean {
  const dot = column.indexOf('.');
  if (dot < 0) return describe.fields.some((f) => f.name.toLowerCase() === column.toLowerCase());
  // `Persona.Key__c`, or `User:Owner.Key__c` for a polymorphic lookup: a parent by one of its External IDs.
  const { relationship, type } = relationshipOf(column.slice(0, dot));
  const reference = describe.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === relationship.toLowerCase());
  if (!reference) return false;
  const parent = org.describe(type ?? reference.referenceTo[0] ?? '');
  const key = column.slice(dot + 1);
  return parent !== undefined && parent.fields.some((f) => f.name.toLowerCase() === key.toLowerCase());
}

/**
 * A row as a REST body would carry it: an empty cell leaves the field out (Bulk API ignores it),
 * `#N/A` sets null, `Rel.Key` becomes `{ Rel: { Key: value } }` (`Type:Rel.Key` adds the type).
 */
export function rowFields(columns: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const cell = cells[i] ?? '';
    if (cell === '') return;
    const value = cell === NULL_CELL ? null : cell;
    const dot = column.indexOf('.');
    if (dot < 0) { fields[column] = value; return; }
    const { relationship, type } = relationshipOf(column.slice(0, dot));
    fields[relationship] = { ...(type ? { attributes: { type } } : {}), [column.slice(dot + 1)]: value };
  });
  return fields;
}

/**
 * The relationship part of a column: `Persona`, or `User:Owner` naming the parent's type for a
 * polymorphic lookup (Bulk API guide, "Relationship Fields in a Header Row": `ObjectType:RelationshipName.IndexedFieldName`
 * [unconfirmed order; recalled, not found in the reference]).
 */
function relationshipOf(text: string): { relationship: string; type?: string } {
  const colon = text.indexOf(':');
  return colon < 0 ? { relationship: text } : { relationship: text.slice(colon + 1), type: text.slice(0, colon) };
}

/** Processes every row of the table, in order; never throws for a row's sake. */
export function processRows(table: CsvTable, context: RowContext): ProcessedRow[] {
  return table.rows.map((cells, index) => ({ cells, result: processRow(table.columns, cells, index, context) }));
}

function processRow(columns: readonly string[], cells: readonly string[], index: number, context: RowContext): SaveResult {
  const fields = rowFields(columns, cells);
  const id = typeof fields.Id === 'string' ? fields.Id : typeof fields.id === 'string' ? fields.id : undefined;
  if (context.locked?.(index) && context.lockError) return { success: false, errors: [context.lockError], ...(id ? { id } : {}) };
  const { org, describe } = context;
  try {
    switch (context.operation) {
      case 'insert': return org.create([{ object: describe.name, fields }], false)[0]!;
      case 'update': {
        const changes = { ...fields };
        delete changes.Id; delete changes.id;
        return withId(org.update([{ object: describe.name, id, fields: changes }], false)[0]!, id);
      }
      case 'upsert': return org.upsert(describe.name, context.externalIdFieldName!, [{ fields }], false)[0]!;
      case 'delete':
      case 'hardDelete': {
        const found = id ? org.byId(id) : undefined;
        if (id && found && found.object !== describe.name) return { id, success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] };
        const [result] = context.operation === 'delete' ? org.delete([id ?? ''], false) : org.hardDelete([id ?? '']);
        return result!;
      }
    }
  } catch (error) {
    // What fails a whole REST request (a value that does not bind, a bad parent reference) fails only its row here.
    if (error instanceof SalesforceRequestError) return { success: false, errors: [{ statusCode: error.errorCode, message: error.message, fields: error.fields ?? [] }], ...(id ? { id } : {}) };
    throw error;
  }
}

function withId(result: SaveResult, id: string | undefined): SaveResult {
  return result.id === undefined && id !== undefined ? { ...result, id } : result;
}

/**
 * A failed row's `sf__Error`: `CODE:message:Field1,Field2 --` (reference §9:
 * `REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --`); with no fields, `CODE:message:--`.
 */
export function errorCell(errors: readonly SalesforceErrorItem[]): string {
  const first = errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred.', fields: [] };
  return `${first.statusCode}:${first.message}:${first.fields.length > 0 ? `${first.fields.join(',')} ` : ''}--`;
}
