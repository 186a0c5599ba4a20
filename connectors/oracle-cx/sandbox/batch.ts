/**
 * The batch endpoint (../shared/reference/oracle-cx.md §4): `POST <version root>` with
 * `{"parts":[{id, path, operation, payload?, ifMatch?}]}`. Parts run in order through the same
 * service as single calls, so a later part sees what an earlier one wrote. All-or-nothing: when any
 * part fails, every part's effect is undone (SRs and messages a post opened included) and the answer
 * (status: config `batchFailureStatus`) lists only the failed parts, each with an `exception`.
 * `upsert` is a create with Upsert-Mode (Oracle's Visual Builder add-in sends it for multi-row writes).
 */
import { OracleCxError, titleOf } from './errors.ts';
import type { RecordStore } from './record-store.ts';
import { MEDIA, type ApiAnswer, type ApiCall, type ResourceService } from './resource-service.ts';

/** Batch operations and the call each one is. */
const OPERATIONS: Readonly<Record<string, { method: string; upsert?: boolean }>> = {
  get: { method: 'GET' }, create: { method: 'POST' }, upsert: { method: 'POST', upsert: true },
  // The four resources offer no PUT (§3: "only where supported"); a replace is carried out as an update.
  update: { method: 'PATCH' }, replace: { method: 'PATCH' }, delete: { method: 'DELETE' },
};

interface Part { id: string; path: string; operation: string; payload?: unknown; ifMatch?: string; ifNoneMatch?: string }

const malformed = (why: string) => new OracleCxError(400, `The batch request is invalid: ${why}.`, { errorCode: 'OAS-BAD-BATCH' });

/** The parts of a batch body. @throws OracleCxError 400 for a body that is not `{parts:[…]}` of valid parts */
export function readParts(body: unknown): Part[] {
  const parts = (body as { parts?: unknown } | null)?.parts;
  if (!Array.isArray(parts) || parts.length === 0) throw malformed('the body must be {"parts":[…]} with at least one part');
  return parts.map((part: unknown, index) => {
    const p = part as Partial<Record<keyof Part, unknown>> | null;
    if (typeof p !== 'object' || p === null) throw malformed(`part ${index + 1} is not an object`);
    if (typeof p.id !== 'string' || typeof p.path !== 'string' || typeof p.operation !== 'string') throw malformed(`part ${index + 1} needs id, path and operation as strings`);
    if (!Object.hasOwn(OPERATIONS, p.operation)) throw malformed(`part ${p.id} has the unknown operation ${p.operation} (known: ${Object.keys(OPERATIONS).join(', ')})`);
    return {
      id: p.id, path: p.path, operation: p.operation, payload: p.payload,
      ...(typeof p.ifMatch === 'string' ? { ifMatch: p.ifMatch } : {}), ...(typeof p.ifNoneMatch === 'string' ? { ifNoneMatch: p.ifNoneMatch } : {}),
    };
  });
}

/** A part's path relative to the version root, and its query (`/contacts?q=…`; an absolute URL is cut at the root). */
function splitPath(path: string): { path: string; query: URLSearchParams } {
  const relative = path.replace(/^.*\/resources\/[^/]+\//, '').replace(/^\/+/, '');
  const q = relative.indexOf('?');
  return q < 0 ? { path: relative, query: new URLSearchParams() } : { path: relative.slice(0, q), query: new URLSearchParams(relative.slice(q + 1)) };
}

/**
 * Runs a batch. @returns 200 with every part's result, or config's failure status with the failed parts
 * @throws OracleCxError 400 for a malformed batch body (nothing run)
 */
export function runBatch(input: { body: unknown; service: ResourceService; store: RecordStore; version: number; failureStatus: number }): ApiAnswer {
  const parts = readParts(input.body);
  const { answered, failed } = input.store.transaction(() => {
    const answered: Array<Record<string, unknown>> = [];
    const failed: Array<Record<string, unknown>> = [];
    for (const part of parts) {
      const operation = OPERATIONS[part.operation]!;
      const { path, query } = splitPath(part.path);
      const call: ApiCall = {
        method: operation.method, path, query, version: input.version, upsert: operation.upsert === true,
        ...(part.ifMatch !== undefined ? { ifMatch: part.ifMatch } : {}), ...(part.ifNoneMatch !== undefined ? { ifNoneMatch: part.ifNoneMatch } : {}),
        ...(part.payload !== undefined ? { body: part.payload } : {}),
      };
      const echo = { id: part.id, path: part.path, operation: part.operation };
      const precondition = part.ifMatch !== undefined || part.ifNoneMatch !== undefined;
      try {
        const answer = input.service.execute(call);
        answered.push({ ...echo, ...(precondition ? { preconditionSucceeded: true } : {}), ...(answer.json !== undefined ? { payload: answer.json } : {}) });
      } catch (error) {
        if (!(error instanceof OracleCxError)) throw error;
        failed.push({
          ...echo, ...(precondition ? { preconditionSucceeded: error.status !== 412 } : {}),
          exception: { status: String(error.status), title: titleOf(error.status), detail: error.message, 'o:errorCode': error.errorCode, ...(error.path ? { 'o:errorPath': error.path } : {}) },
        });
      }
    }
    return { commit: failed.length === 0, value: { answered, failed } };
  });
  if (failed.length > 0) return { status: input.failureStatus, headers: { 'content-type': MEDIA.batch }, json: { parts: failed } };
  return { status: 200, headers: { 'content-type': MEDIA.batch }, json: { parts: answered } };
}
