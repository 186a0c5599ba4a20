import { randomUUID } from 'node:crypto';
import { decodeBatchRequest, encodeBatchResponse, MultipartError, type BatchEntry, type BatchResponseItem, type HttpMessage } from '../multipart.ts';
import { API_PATH } from '../odata.ts';
import type { RecordStore } from './record-store.ts';
import { errorResponse, type ApiRequest, type ApiResponse, type CallContext, type WebApi } from './web-api.ts';

/** Most requests in one batch ("Batch requests can contain up to 1000 individual requests"). */
export const BATCH_LIMIT = 1000;

/**
 * `POST $batch` as "Execute batch operations using the Web API" describes it: requests run in
 * order; a change set is atomic (a failure rolls back its earlier writes and answers that failure
 * alone, OData 4.0 §11.7.4); without `Prefer: odata.continue-on-error` the batch stops at the first
 * failure and its status is that failure's; with it, every request is answered and the batch is 200.
 * `$<Content-ID>` in a change set's URL or `@odata.bind` refers to a record created before it.
 */
export function runBatch(api: WebApi, store: RecordStore, request: { headers: Record<string, string>; body: string }, call: CallContext): ApiResponse {
  let entries;
  try {
    entries = decodeBatchRequest(request.body, request.headers['content-type']);
  } catch (error) {
    if (error instanceof MultipartError) return errorResponse(400, '0x80048d19', `The batch request body is invalid: ${error.message}`);
    throw error;
  }
  const count = entries.reduce((n, e) => n + ('request' in e ? 1 : e.changeset.length), 0);
  if (count > BATCH_LIMIT) return errorResponse(400, '0x80048d19', `The batch has ${count} requests; the maximum is ${BATCH_LIMIT}.`);
  const continueOnError = /odata\.continue-on-error/i.test(request.headers.prefer ?? '');
  const answered: Array<BatchEntry<BatchResponseItem>> = [];
  let failedStatus: number | undefined;
  for (const entry of entries) {
    if ('request' in entry) {
      const response = api.execute(subrequest(entry.request, new Map()), call);
      answered.push({ request: response });
      if (response.status >= 400) failedStatus ??= response.status;
    } else {
      const before = store.snapshot();
      const created = new Map<string, string>();
      const responses: BatchResponseItem[] = [];
      let failure: BatchResponseItem | undefined;
      for (const message of entry.changeset) {
        const response = api.execute(subrequest(message, created), call);
        if (response.status >= 400) { failure = { ...response, ...(message.contentId !== undefined ? { contentId: message.contentId } : {}) }; break; }
        if (message.contentId !== undefined && response.headers['odata-entityid']) created.set(message.contentId, response.headers['odata-entityid']);
        responses.push({ ...response, ...(message.contentId !== undefined ? { contentId: message.contentId } : {}) });
      }
      if (failure) {
        store.restore(before);
        answered.push({ request: failure });
        failedStatus ??= failure.status;
      } else {
        answered.push({ changeset: responses });
      }
    }
    if (failedStatus !== undefined && !continueOnError) break;
  }
  const boundary = `batchresponse_${randomUUID()}`;
  return {
    status: failedStatus !== undefined && !continueOnError ? failedStatus : 200,
    headers: { 'content-type': `multipart/mixed; boundary=${boundary}`, 'odata-version': '4.0' },
    body: encodeBatchResponse(boundary, answered),
  };
}

/** A part's request as an `ApiRequest`: its URL below the API root, `$n` references resolved. */
function subrequest(message: HttpMessage, created: ReadonlyMap<string, string>): ApiRequest {
  const [method = 'GET', rawUrl = ''] = message.startLine.split(/\s+/);
  let url = rawUrl;
  const reference = /^\$([^/?]+)(.*)$/.exec(url);
  if (reference && created.has(reference[1]!)) url = `${created.get(reference[1]!)}${reference[2]}`;
  const at = url.indexOf(`${API_PATH}/`);
  const below = at >= 0 ? url.slice(at + API_PATH.length + 1) : url.replace(/^\/+/, '');
  const [path = '', query = ''] = below.split(/\?(.*)/s);
  let body = message.body;
  for (const [id, entityId] of created) body = body.split(`"$${id}"`).join(JSON.stringify(entityId));
  return { method: method.toUpperCase(), path: safeDecode(path), query: new URLSearchParams(query), headers: message.headers, body };
}

function safeDecode(path: string): string {
  try { return decodeURIComponent(path); } catch { return path; }
}
