/**
 * The OData v2 `$batch` request: built by the connector, parsed by the sandbox. Layout (reference §4,
 * OData v2 "Batch Processing" §2): top-level parts are either one retrieve operation (an
 * `application/http` part) or a change set (`multipart/mixed; boundary=changeset_…`) whose parts are
 * `application/http` + `Content-Transfer-Encoding: binary`, each an HTTP request with a relative URL.
 */
import { BatchFormatError, boundaryOf, expectHttpPart, headerLines, httpPart, joinMultipart, splitHeaders, splitMultipart, type Headers } from './multipart.ts';

/** One operation: method, URL relative to the service root (`SocialMediaActivityCollection('…')`), headers, raw body. */
export interface BatchOperation {
  method: string;
  url: string;
  /** Lower-cased names when parsed. */
  headers: Headers;
  /** The body text (JSON for C4C writes); absent or '' for none. */
  body?: string;
}

/** A top-level part of a batch request: a retrieve operation, or a change set of writes. */
export type BatchRequestPart =
  | { kind: 'query'; operation: BatchOperation }
  | { kind: 'changeset'; operations: BatchOperation[] };

function requestMessage(operation: BatchOperation): string {
  // Two CRLFs after a GET's request line and headers even without a body (reference §4).
  return `${operation.method} ${operation.url} HTTP/1.1\r\n${headerLines(operation.headers)}\r\n${operation.body ?? ''}`;
}

/**
 * Builds a `$batch` body and its Content-Type. Boundaries default to `batch_<id>` and
 * `changeset_<id>_<n>`; `id` should be unique per call (any text without spaces).
 * @example buildBatchRequest([{ kind: 'changeset', operations: [{ method: 'POST', url: 'SocialMediaActivityCollection', headers: { 'Content-Type': 'application/json' }, body: '{}' }] }], { id: '1' })
 */
export function buildBatchRequest(parts: readonly BatchRequestPart[], options: { id: string }): { contentType: string; body: string } {
  const boundary = `batch_${options.id}`;
  const rendered = parts.map((part, index) => {
    if (part.kind === 'query') return httpPart(requestMessage(part.operation));
    const changeset = `changeset_${options.id}_${index + 1}`;
    const inner = joinMultipart(part.operations.map((operation) => httpPart(requestMessage(operation))), changeset);
    return headerLines({ 'Content-Type': `multipart/mixed; boundary=${changeset}` }) + '\r\n' + inner;
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: joinMultipart(rendered, boundary) };
}

function parseRequestMessage(text: string): BatchOperation {
  const lineEnd = /\r?\n/.exec(text);
  const requestLine = lineEnd ? text.slice(0, lineEnd.index) : text;
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine.trim());
  if (!match) throw new BatchFormatError(`not an HTTP request line: ${requestLine.slice(0, 80)}`);
  const { headers, rest } = splitHeaders(lineEnd ? text.slice(lineEnd.index + lineEnd[0].length) : '');
  return { method: match[1]!, url: match[2]!, headers, ...(rest.trim() !== '' ? { body: rest } : {}) };
}

/**
 * Parses a `$batch` request body.
 * @throws BatchFormatError for a body that is not a well-formed OData v2 batch (the sandbox answers 400)
 */
export function parseBatchRequest(contentType: string | undefined, body: string): BatchRequestPart[] {
  return splitMultipart(body, boundaryOf(contentType)).map((part) => {
    const { headers, rest } = splitHeaders(part);
    if (/^multipart\/mixed/i.test(headers['content-type'] ?? '')) {
      const operations = splitMultipart(rest, boundaryOf(headers['content-type'])).map((inner) => {
        const split = splitHeaders(inner);
        expectHttpPart(split.headers);
        const operation = parseRequestMessage(split.rest);
        if (operation.method === 'GET') throw new BatchFormatError('a change set cannot hold a GET');
        return operation;
      });
      return { kind: 'changeset', operations };
    }
    expectHttpPart(headers);
    const operation = parseRequestMessage(rest);
    if (operation.method !== 'GET') throw new BatchFormatError(`${operation.method} outside a change set`);
    return { kind: 'query', operation };
  });
}
