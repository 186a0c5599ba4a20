/**
 * The batch call (reference §4): the request body, and the answer read as either "every part
 * applied" or "these parts failed, nothing committed" (all-or-nothing). Pure: the session sends.
 */
import { parseObject, type OutboundResponse } from '../../src/connectors/index.ts';
import { asRecord, failureOf, OracleError, readErrorDocument, UNREADABLE_ANSWER, type OracleFailure } from './classify.ts';

/** `application/vnd.oracle.adf.batch+json` (§1, §4). */
export const BATCH_CONTENT_TYPE = 'application/vnd.oracle.adf.batch+json';

/**
 * One part of a batch. `path` is relative to the version root (`/socialUsers`); `upsert` is a
 * create with `Upsert-Mode` (Oracle's Visual Builder add-in sends it for multi-row writes; README.md).
 */
export interface BatchPart {
  id: string;
  path: string;
  operation: 'create' | 'upsert' | 'update' | 'delete';
  payload?: Record<string, unknown>;
}

/** The JSON body of a batch: `{"parts":[{id,path,operation,payload}]}`. */
export function batchBody(parts: readonly BatchPart[]): string {
  return JSON.stringify({ parts: parts.map((p) => ({ id: p.id, path: p.path, operation: p.operation, ...(p.payload !== undefined ? { payload: p.payload } : {}) })) });
}

/**
 * What a batch answer means:
 * - `applied`: every part was carried out; part id → the resulting item (absent for a delete, or
 *   when Oracle left the part out of a success answer);
 * - `failed`: part id → its failure, for the parts the answer lists as failed. Nothing was
 *   committed (§4: all-or-nothing), so every other part was not applied either.
 */
export type BatchOutcome =
  | { kind: 'applied'; items: Map<string, Record<string, unknown>> }
  | { kind: 'failed'; failures: Map<string, OracleFailure> };

/**
 * Reads a batch answer. A part failed when it carries an `exception`, or (not a delete) answers no
 * `payload` (§4: "treat any part without a payload as failed"). Which status a failure answer has
 * is [unconfirmed] (400 in the sandbox by default), so failed parts are recognised by the body.
 * @throws OracleError for a whole call that failed: a non-2xx answer naming no part of this batch
 *   (a 429, a 503, a 401 as plain HTTP errors), or UNREADABLE_ANSWER for a 2xx that is not a batch answer
 */
export function readBatchAnswer(answer: Pick<OutboundResponse, 'status' | 'headers' | 'body'>, parts: readonly BatchPart[]): BatchOutcome {
  const ok = answer.status >= 200 && answer.status < 300;
  const body = parseObject(answer.body);
  const answered = Array.isArray(body?.parts) ? (body.parts as unknown[]).flatMap((p) => { const part = asRecord(p); return part ? [part] : []; }) : undefined;
  if (!answered) {
    if (ok) throw new OracleError({ code: UNREADABLE_ANSWER, message: `the batch answer (HTTP ${answer.status}) has no parts`, httpStatus: answer.status });
    throw new OracleError(failureOf(answer));
  }
  const sent = new Map(parts.map((p) => [p.id, p]));
  const failures = new Map<string, OracleFailure>();
  const items = new Map<string, Record<string, unknown>>();
  for (const part of answered) {
    const id = typeof part.id === 'string' ? part.id : undefined;
    const request = id === undefined ? undefined : sent.get(id);
    if (!request) continue;
    const exception = asRecord(part.exception);
    const payload = asRecord(part.payload);
    if (exception) failures.set(request.id, partFailure(exception, answer.status));
    else if (payload) items.set(request.id, payload);
    else if (request.operation !== 'delete') failures.set(request.id, { code: `HTTP_${answer.status}`, message: 'Oracle answered the part without its item', httpStatus: ok ? 400 : answer.status });
  }
  if (failures.size > 0) return { kind: 'failed', failures };
  // A failure answer that lists no part of this batch: the whole call failed.
  if (!ok) throw new OracleError(failureOf(answer));
  return { kind: 'applied', items };
}

/** A part's `exception` (`{status,title,detail,o:errorCode}`, README.md "Batch") as a failure; its own status, else the answer's. */
function partFailure(exception: Record<string, unknown>, answerStatus: number): OracleFailure {
  return readErrorDocument(exception, answerStatus) ?? { code: `HTTP_${answerStatus}`, message: 'the batch part failed', httpStatus: answerStatus };
}
