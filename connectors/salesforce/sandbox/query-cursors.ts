import { randomBytes } from 'node:crypto';

/** One page of `GET /query` (reference §6). */
export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown>>;
}

interface Cursor { records: Array<Record<string, unknown>>; totalSize: number; batchSize: number; lastUsed: number }

/**
 * Query locators: the rows of a query beyond its first page, kept until read or until too many
 * cursors are open (Salesforce keeps at most 10 per user; this keeps `max`, oldest dropped first).
 * A locator looks like Salesforce's, `01g…-2000`: the query's id, then the offset of the next row.
 */
export class QueryCursors {
  readonly #cursors = new Map<string, Cursor>();
  readonly #max: number;

  constructor(max = 50) {
    this.#max = max;
  }

  /** The first page; the rest is kept under a locator named in `nextRecordsUrl`. */
  firstPage(result: { totalSize: number; records: Array<Record<string, unknown>> }, batchSize: number, version: string): QueryPage {
    if (result.records.length <= batchSize) return { totalSize: result.totalSize, done: true, records: result.records };
    const id = `01g${randomBytes(8).toString('hex').slice(0, 15)}`;
    this.#cursors.set(id, { records: result.records, totalSize: result.totalSize, batchSize, lastUsed: Date.now() });
    while (this.#cursors.size > this.#max) this.#cursors.delete(this.#cursors.keys().next().value!);
    return this.#page(id, 0, version)!;
  }

  /** The page at a locator (`01g…-2000`), or undefined when it is unknown or used up. */
  nextPage(locator: string, version: string): QueryPage | undefined {
    const match = /^(01g[0-9a-f]+)-(\d+)$/.exec(locator);
    if (!match) return undefined;
    return this.#page(match[1]!, Number(match[2]), version);
  }

  #page(id: string, offset: number, version: string): QueryPage | undefined {
    const cursor = this.#cursors.get(id);
    if (!cursor || offset >= cursor.records.length) return undefined;
    cursor.lastUsed = Date.now();
    const end = offset + cursor.batchSize;
    const records = cursor.records.slice(offset, end);
    // The cursor stays readable (a client may re-read a page whose answer it lost) until `max` newer ones push it out.
    if (end >= cursor.records.length) return { totalSize: cursor.totalSize, done: true, records };
    return { totalSize: cursor.totalSize, done: false, nextRecordsUrl: `/services/data/v${version}/query/${id}-${end}`, records };
  }
}
