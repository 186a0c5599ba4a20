/**
 * CSV as Bulk API 2.0 reads and writes it (reference §9; Bulk API 2.0 Developer Guide, "Prepare CSV
 * Files" and "Create a Job"): a header row of field names, the job's `columnDelimiter` and
 * `lineEnding`, `#N/A` to set a field to null, an empty cell to leave it as it is. Parsing and
 * writing are csv-parse / csv-stringify's; this file only holds Salesforce's settings.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { SalesforceRequestError } from './types.ts';

/** `columnDelimiter` values of a job and the character each stands for. */
export const COLUMN_DELIMITERS = { COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`' } as const;
export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;

/** `lineEnding` values of a job. */
export type LineEnding = 'LF' | 'CRLF';

/** How a job's CSV is written. */
export interface CsvDialect {
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
}

/** An uploaded table: the header row, and each data row's cells (as uploaded). */
export interface CsvTable {
  columns: string[];
  rows: string[][];
}

/**
 * Reads an upload. Rows shorter or longer than the header are refused, as Salesforce fails such a
 * job (`InvalidBatch`); a BOM is dropped.
 * @throws SalesforceRequestError 400 INVALIDCSV for text that is not CSV in the job's dialect [unconfirmed code]
 */
export function parseCsv(text: string, dialect: CsvDialect): CsvTable {
  let records: string[][];
  try {
    records = parse(text, { delimiter: COLUMN_DELIMITERS[dialect.columnDelimiter], bom: true, relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new SalesforceRequestError(400, 'INVALIDCSV', `The CSV could not be read: ${(error as Error).message}`);
  }
  const [columns, ...rows] = records;
  return { columns: (columns ?? []).map((c) => c.trim()), rows };
}

/** Writes a table in the job's dialect, every cell quoted as Salesforce's result files are. */
export function writeCsv(columns: readonly string[], rows: readonly (readonly string[])[], dialect: CsvDialect): string {
  return stringify([columns as string[], ...(rows as string[][])], {
    delimiter: COLUMN_DELIMITERS[dialect.columnDelimiter],
    record_delimiter: dialect.lineEnding === 'CRLF' ? '\r\n' : '\n',
    quoted: true,
    quoted_empty: true,
  });
}

/** The cell text that sets a field to null (Bulk API 2.0, "Valid Date Format in Records": `#N/A`). */
export const NULL_CELL = '#N/A';
