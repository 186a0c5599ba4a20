// How answers look on a terminal: tables for lists, `key: value` lines for one item, and the JSON
// itself under `--json`. Every string comes from the API, and much of it from social networks (a
// display name, a handle): control characters are shown escaped, never sent to the terminal, so a
// name cannot move the cursor or retitle the window.

// C0 and C1 control characters, DEL included (C1 `\u009b` is a CSI on some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with its control characters as `\uXXXX`: safe to print on a terminal. */
export function safeText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A JSON document for `--json`: indented, with C1 controls and DEL escaped too (JSON.stringify
 * escapes only C0), so the output stays the API's JSON and stays safe on a terminal.
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** One table cell: `-` for null or missing, compact JSON for an object or array, the text otherwise. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'object') return safeText(JSON.stringify(value));
  return safeText(String(value));
}

/** A column: its header and how a row gives its value. */
export interface Column<R> { header: string; value: (row: R) => unknown }

/** Rows as an aligned text table with a header line; `(none)` when there are no rows. */
export function table<R>(rows: readonly R[], columns: ReadonlyArray<Column<R>>): string {
  if (rows.length === 0) return '(none)\n';
  const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => cell(c.value(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells.map((line) => line.map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Any JSON value as readable lines: `key: value` for scalars, an indented block for an object, a
 * table for an array of objects (its columns: every key its items have), `a, b` for an array of
 * scalars. Used where the API's shape is open (a person's unified view), so a field the server
 * adds shows without a CLI change.
 */
export function describe(value: unknown, indent = ''): string {
  if (!isRecord(value)) return `${indent}${Array.isArray(value) ? describeArray(value, indent).trimStart() : cell(value)}\n`;
  let out = '';
  for (const [key, item] of Object.entries(value)) {
    const label = `${indent}${safeText(key)}:`;
    if (isRecord(item)) out += Object.keys(item).length === 0 ? `${label} -\n` : `${label}\n${describe(item, `${indent}  `)}`;
    else if (Array.isArray(item)) out += item.length > 0 && item.every(isRecord) ? `${label}\n${describeArray(item, `${indent}  `)}` : `${label} ${describeArray(item, '')}`;
    else out += `${label} ${cell(item)}\n`;
  }
  return out;
}

function describeArray(items: readonly unknown[], indent: string): string {
  if (items.length === 0) return '(none)\n';
  if (!items.every(isRecord)) return `${items.map(cell).join(', ')}\n`;
  const keys = [...new Set(items.flatMap((item) => Object.keys(item)))];
  return table(items, keys.map((key) => ({ header: key, value: (row: Record<string, unknown>) => row[key] })))
    .split('\n').map((line) => (line ? `${indent}${line}` : line)).join('\n');
}
