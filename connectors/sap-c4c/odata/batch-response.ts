/**
 * The OData v2 `$batch` response: built by the sandbox, parsed by the connector. One top-level part
 * per request part, in order: a retrieve answers with an `application/http` part; a change set with a
 * nested multipart of one response per operation, or, when it failed and was rolled back, ONE
 * `application/http` part carrying the error (OData v2 "Batch Processing" §3; reference §4). C4C names
 * its boundaries `ejjeeffe0` (outer) and `ejjeeffe1` (every change set) and adds Content-Length per part.
 */
import type { BatchRequestPart } from './batch-request.ts';
import { BatchFormatError, boundaryOf, expectHttpPart, headerLines, httpPart, joinMultipart, splitHeaders, splitMultipart, type Headers } from './multipart.ts';

/** One operation's answer: status, headers (lower-cased names when parsed), body text. */
export interface BatchOperationResponse {
  status: number;
  /** Reason phrase; a standard one is used when absent. */
  statusText?: string;
  headers: Headers;
  body: string;
}

/** A top-level part of a batch response: one HTTP response, or a change set's responses. */
export type BatchResponsePart =
  | { kind: 'single'; response: BatchOperationResponse }
  | { kind: 'changeset'; responses: BatchOperationResponse[] };

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 412: 'Precondition Failed', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable',
};

function responseMessage(response: BatchOperationResponse): string {
  const reason = response.statusText ?? REASONS[response.status] ?? '';
  return `HTTP/1.1 ${response.status} ${reason}\r\n${headerLines(response.headers)}\r\n${response.body}`;
}

const withLength = (message: string) => httpPart(message, { 'Content-Length': String(Buffer.byteLength(message)) });

/**
 * Builds a `$batch` response body and its Content-Type, C4C's boundaries by default.
 * @example buildBatchResponse([{ kind: 'changeset', responses: [{ status: 204, headers: {}, body: '' }] }])
 */
export function buildBatchResponse(parts: readonly BatchResponsePart[], options: { boundary?: string } = {}): { contentType: string; body: string } {
  const boundary = options.boundary ?? 'ejjeeffe0';
  const rendered = parts.map((part) => {
    if (part.kind === 'single') return withLength(responseMessage(part.response));
    // C4C names every change set's boundary `ejjeeffe1` (light-odata's captured
    // tests/resources/batch/complex-multipart.response): unique within its part is all MIME asks.
    const inner = 'ejjeeffe1';
    const nested = joinMultipart(part.responses.map((r) => withLength(responseMessage(r))), inner);
    return headerLines({ 'Content-Type': `multipart/mixed; boundary=${inner}`, 'Content-Length': String(Buffer.byteLength(nested)) }) + '\r\n' + nested;
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: joinMultipart(rendered, boundary) };
}

function parseResponseMessage(text: string): BatchOperationResponse {
  const lineEnd = /\r?\n/.exec(text);
  const statusLine = lineEnd ? text.slice(0, lineEnd.index) : text;
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine.trim());
  if (!match) throw new BatchFormatError(`not an HTTP status line: ${statusLine.slice(0, 80)}`);
  const { headers, rest } = splitHeaders(lineEnd ? text.slice(lineEnd.index + lineEnd[0].length) : '');
  return { status: Number(match[1]), ...(match[2] ? { statusText: match[2] } : {}), headers, body: rest };
}

/**
 * Parses a `$batch` response body.
 * @throws BatchFormatError for a body that is not a well-formed OData v2 batch response
 */
export function parseBatchResponse(contentType: string | undefined, body: string): BatchResponsePart[] {
  return splitMultipart(body, boundaryOf(contentType)).map((part) => {
    const { headers, rest } = splitHeaders(part);
    if (/^multipart\/mixed/i.test(headers['content-type'] ?? '')) {
      const responses = splitMultipart(rest, boundaryOf(headers['content-type'])).map((inner) => {
        const split = splitHeaders(inner);
        expectHttpPart(split.headers);
        return parseResponseMessage(split.rest);
      });
      return { kind: 'changeset', responses };
    }
    expectHttpPart(headers);
    return { kind: 'single', response: parseResponseMessage(rest) };
  });
}

/**
 * Pairs a response with the request it answers, by part order (C4C's Content-ID echo is
 * [unconfirmed], reference §4): one answer per operation of every request part. A change set
 * answered by one error part gives that error to each of its operations.
 * @throws BatchFormatError when the response's parts do not line up with the request's
 */
export function answersPerOperation(request: readonly BatchRequestPart[], response: readonly BatchResponsePart[]): BatchOperationResponse[][] {
  if (request.length !== response.length) throw new BatchFormatError(`the batch response has ${response.length} parts for ${request.length} request parts`);
  return request.map((part, index) => {
    const answer = response[index]!;
    if (part.kind === 'query') {
      if (answer.kind !== 'single') throw new BatchFormatError(`part ${index + 1}: a change set answered a retrieve`);
      return [answer.response];
    }
    if (answer.kind === 'single') return part.operations.map(() => answer.response);
    if (answer.responses.length !== part.operations.length) throw new BatchFormatError(`part ${index + 1}: ${answer.responses.length} answers for ${part.operations.length} operations`);
    return answer.responses;
  });
}
