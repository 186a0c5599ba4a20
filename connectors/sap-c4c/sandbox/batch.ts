/**
 * `POST …/$batch` (reference §4): the multipart request parsed, each retrieve and change set carried
 * out in order through the same service as single calls, and the multipart answer built with C4C's
 * boundaries. A change set is atomic: when one of its operations fails, its changes are undone and it
 * is answered by that one error part; the other parts still run (OData v2 "Batch Processing" §3).
 */
import { parseBatchRequest } from '../odata/batch-request.ts';
import { buildBatchResponse, type BatchOperationResponse, type BatchResponsePart } from '../odata/batch-response.ts';
import { BatchFormatError, type Headers } from '../odata/multipart.ts';
import type { EntityStore } from './entity-store.ts';
import { errorAnswer, type ODataAnswer, type ODataService } from './odata-service.ts';

/** The path of a part's URL relative to the service root, and its query. Absolute and rooted URLs are accepted. */
export function splitOperationUrl(url: string): { path: string; query: URLSearchParams } {
  const relative = url.replace(/^.*\/c4codataapi\//, '').replace(/^\//, '');
  const q = relative.indexOf('?');
  return q < 0 ? { path: relative, query: new URLSearchParams() } : { path: relative.slice(0, q), query: new URLSearchParams(relative.slice(q + 1)) };
}

const toPart = (answer: ODataAnswer): BatchOperationResponse => ({ status: answer.status, headers: answer.headers, body: answer.body });

/**
 * Runs a `$batch` body; answers the multipart result, or a 400 OData error for a malformed or
 * oversized batch.
 */
export function runBatch(input: { contentType: string | undefined; body: string; service: ODataService; store: EntityStore; maxOperations: number; status: number }): ODataAnswer {
  let parts;
  try {
    parts = parseBatchRequest(input.contentType, input.body);
  } catch (error) {
    if (error instanceof BatchFormatError) return errorAnswer(400, `Invalid batch request: ${error.message}`);
    throw error;
  }
  const operations = parts.reduce((n, p) => n + (p.kind === 'query' ? 1 : p.operations.length), 0);
  if (operations > input.maxOperations) return errorAnswer(400, `A batch can hold at most ${input.maxOperations} operations; this one has ${operations}`);
  const run = (operation: { method: string; url: string; headers: Headers; body?: string }) => {
    const { path, query } = splitOperationUrl(operation.url);
    // X-HTTP-Method tunnels MERGE/PATCH through POST, as SAPUI5's v2 model does.
    const method = operation.headers['x-http-method']?.toUpperCase() ?? operation.method;
    return input.service.execute({ method, path, query, headers: operation.headers, ...(operation.body !== undefined ? { body: operation.body } : {}) });
  };
  const answers: BatchResponsePart[] = parts.map((part) => {
    if (part.kind === 'query') return { kind: 'single', response: toPart(run(part.operation)) };
    return input.store.transaction(() => {
      const responses: BatchOperationResponse[] = [];
      for (const operation of part.operations) {
        const answer = run(operation);
        if (answer.status >= 400) return { commit: false, value: { kind: 'single', response: toPart(answer) } as BatchResponsePart };
        const contentId = operation.headers['content-id'];
        responses.push(toPart(contentId ? { ...answer, headers: { ...answer.headers, 'Content-ID': contentId } } : answer));
      }
      return { commit: true, value: { kind: 'changeset', responses } as BatchResponsePart };
    });
  });
  const built = buildBatchResponse(answers);
  return { status: input.status, headers: { 'content-type': built.contentType, dataserviceversion: '2.0' }, body: built.body };
}
