/**
 * A write batch as Bulk API 2.0 CSV, and the job's result files back to operation ids (reference
 * §9; Bulk API 2.0 Developer Guide, "Prepare CSV Files", "Relationship Fields in a Header Row",
 * "Get Job Successful / Failed Record Results"). Result files echo each row's original columns
 * after `sf__Id` and `sf__Created` / `sf__Error`, in no guaranteed order, so rows are matched back
 * by a key, never by position: the upsert key's value, the record Id (update, delete), or the
 * whole row (create; identical rows are interchangeable).
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { VendorRecordResult, WriteBatch, WriteOperation } from '../../src/connectors/index.ts';

/** The text that sets a field to null in Bulk API CSV; an empty cell leaves a field as it is. */
const NULL_CELL = '#N/A';

/** A batch as CSV: the header, the rows, and each row's operation id (same order). */
export interface BatchCsv {
  columns: string[];
  rows: string[][];
  operationIds: string[];
}

/** The record's cells by column, for one operation of the batch. */
function cellsOf(batch: WriteBatch, op: WriteOperation): Map<string, string> {
  const cells = new Map<string, string>();
  if (batch.operation === 'delete') { cells.set('Id', op.recordId ?? ''); return cells; }
  if (batch.operation === 'update') cells.set('Id', op.recordId ?? '');
  const fields = batch.operation === 'upsert' && batch.matchKey && op.fields[batch.matchKey] === undefined
    ? { ...op.fields, [batch.matchKey]: op.matchValue } : op.fields;
  for (const [name, value] of Object.entries(fields)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // A parent by external id (`Persona: { Key__c: "x" }`) is a `Persona.Key__c` column; with
      // `attributes.type` (a polymorphic lookup) `Type:Persona.Key__c`.
      const { attributes, ...keys } = value as Record<string, unknown> & { attributes?: { type?: unknown } };
      const prefix = typeof attributes?.type === 'string' ? `${attributes.type}:${name}` : name;
      for (const [key, keyValue] of Object.entries(keys)) cells.set(`${prefix}.${key}`, cellText(keyValue));
      continue;
    }
    cells.set(name, cellText(value));
  }
  return cells;
}

/** A JSON value as a cell: null and empty text set null (as in a REST write), the rest as text. */
function cellText(value: unknown): string {
  if (value === null || value === '') return NULL_CELL;
  if (value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The batch as CSV rows: columns in order of first appearance (`Id` first for update and delete). */
export function batchCsv(batch: WriteBatch): BatchCsv {
  const perOp = batch.operations.map((op) => cellsOf(batch, op));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const cells of perOp) for (const column of cells.keys()) if (!seen.has(column)) { seen.add(column); columns.push(column); }
  return { columns, rows: perOp.map((cells) => columns.map((c) => cells.get(c) ?? '')), operationIds: batch.operations.map((op) => op.id) };
}

/** CSV text for an upload (`COMMA`, `LF`, every cell quoted). */
export function csvText(csv: BatchCsv): string {
  return stringify([csv.columns, ...csv.rows], { quoted: true, record_delimiter: '\n' });
}

/** A result file as jsforce hands it back (records keyed by column, for `text/csv`) or as raw text. */
export function resultRows(body: unknown): Array<Record<string, string>> {
  if (Array.isArray(body)) return body as Array<Record<string, string>>;
  if (typeof body === 'string') return body.trim() === '' ? [] : parse(body, { columns: true, bom: true }) as Array<Record<string, string>>;
  return [];
}

/**
 * Matches result rows to operations: each row takes the first operation not yet taken whose key
 * equals the row's (see the file's comment). Rows that match nothing are left out.
 */
export function matchRows<T>(batch: WriteBatch, rows: ReadonlyArray<Record<string, string>>, answer: (row: Record<string, string>) => T): Array<{ operationId: string; value: T }> {
  const csv = batchCsv(batch);
  const keyOf = keyFunction(batch, csv.columns);
  const queues = new Map<string, string[]>();
  csv.rows.forEach((cells, i) => {
    const key = keyOf((column) => cells[csv.columns.indexOf(column)] ?? '');
    const queue = queues.get(key);
    if (queue) queue.push(csv.operationIds[i]!); else queues.set(key, [csv.operationIds[i]!]);
  });
  const out: Array<{ operationId: string; value: T }> = [];
  for (const row of rows) {
    const operationId = queues.get(keyOf((column) => row[column] ?? ''))?.shift();
    if (operationId !== undefined) out.push({ operationId, value: answer(row) });
  }
  return out;
}

function keyFunction(batch: WriteBatch, columns: readonly string[]): (cell: (column: string) => string) => string {
  // Ids compare on their 15-character, case-sensitive part (an 18-character id may come back for a 15-character one).
  if (batch.operation === 'update' || batch.operation === 'delete') return (cell) => cell('Id').slice(0, 15);
  if (batch.operation === 'upsert' && batch.matchKey && columns.includes(batch.matchKey)) {
    const key = batch.matchKey;
    return (cell) => cell(key).toLowerCase();
  }
  return (cell) => JSON.stringify(columns.map(cell));
}

/** A successful row's result. */
export function successOf(row: Record<string, string>): VendorRecordResult {
  return { ok: true, recordId: row.sf__Id ?? '', ...(row.sf__Created !== undefined ? { created: row.sf__Created === 'true' } : {}) };
}

/**
 * A failed row's result: `sf__Error` (`CODE:message:Field1,Field2 --`, reference §9) as the
 * per-record item REST answers (`{ statusCode, message, fields }`), so one classify reads both.
 */
export function failureOf(row: Record<string, string>): VendorRecordResult {
  const text = row.sf__Error ?? '';
  const match = /^([A-Za-z_]+):(.*):([\w.,]*)\s*--\s*$/s.exec(text);
  if (!match) return { ok: false, error: { statusCode: 'UNKNOWN', message: text, fields: [] } };
  return { ok: false, error: { statusCode: match[1], message: match[2], fields: match[3] ? match[3].split(',').filter(Boolean) : [] } };
}
