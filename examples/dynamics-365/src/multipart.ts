/**
 * The `$batch` wire format of the Dataverse Web API: `multipart/mixed` bodies whose parts are
 * `application/http` messages, optionally grouped in change sets (nested `multipart/mixed`).
 * Format: OData v4.0 Part 1, 11.7 "Batch Requests", as Microsoft summarises it in "Execute batch
 * operations using the Web API" (learn.microsoft.com/power-apps/developer/data-platform/webapi/
 * execute-batch-operations-using-web-api). Used by the connector (requests out, responses in) and
 * by the sandbox (requests in, responses out), so both sides speak one codec.
 *
 * Pure functions. Lines end in CRLF when written; LF alone is accepted when read, because
 * Microsoft's own examples (and hand-written clients) use it.
 */

/** A malformed multipart body or HTTP message (the sandbox answers it with a 400). */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** One HTTP request or response inside a batch. Header names are lower-case. */
export interface HttpMessage {
  /** `POST https://org/api/data/v9.2/contacts HTTP/1.1` or `HTTP/1.1 204 No Content`. */
  startLine: string;
  headers: Record<string, string>;
  body: string;
}

/** A request of a batch, as the connector writes it. */
export interface BatchRequestItem {
  method: string;
  /** Absolute (`https://org/api/data/v9.2/contacts`) or the path below the org. */
  url: string;
  headers?: Record<string, string>;
  /** JSON text, or undefined for none. */
  body?: string;
  /** Change sets only: the `Content-ID` that `$<id>` refers to. */
  contentId?: string;
}

/** A top-level item of a batch: a request, or a change set of requests carried out atomically. */
export type BatchEntry<T> = { request: T } | { changeset: T[] };

/** A response of a batch, flattened out of its change set. */
export interface BatchResponseItem {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

const CRLF = '\r\n';

/**
 * The boundary parameter of a `multipart/mixed` Content-Type (quoted or not).
 * @throws MultipartError when there is none
 */
export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!contentType || !/^\s*multipart\/mixed/i.test(contentType) || !boundary) {
    throw new MultipartError(`not a multipart/mixed Content-Type with a boundary: ${JSON.stringify(contentType ?? '')}`);
  }
  return boundary;
}

/**
 * Splits a multipart body into its parts (headers lower-cased, body as text). The preamble and the
 * epilogue are ignored, as RFC 2046 §5.1.1 says.
 * @throws MultipartError when the closing delimiter is missing
 */
export function splitMultipart(body: string, boundary: string): Array<{ headers: Record<string, string>; body: string }> {
  const delimiter = `--${boundary}`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of body.split(/\r?\n/)) {
    // A delimiter line may carry transport padding (white space) after the boundary.
    const bare = line.trimEnd();
    if (bare === delimiter || bare === `${delimiter}--`) {
      if (current) parts.push(current);
      current = bare === delimiter ? [] : undefined;
      if (bare !== delimiter) { closed = true; break; }
      continue;
    }
    current?.push(line);
  }
  if (!closed) throw new MultipartError(`the multipart body has no closing delimiter --${boundary}--`);
  return parts.map((lines) => headersAndBody(lines));
}

/**
 * Reads an `application/http` part: the request or status line, the headers, the body.
 * @throws MultipartError when it has no start line
 */
export function parseHttpMessage(text: string): HttpMessage {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  const startLine = lines.shift()?.trim();
  if (!startLine) throw new MultipartError('an application/http part has no request or status line');
  const { headers, body } = headersAndBody(lines);
  return { startLine, headers, body };
}

/** Writes a batch request body (CRLF line ends) with `boundary`; change sets get their own boundaries. */
export function encodeBatchRequest(boundary: string, entries: ReadonlyArray<BatchEntry<BatchRequestItem>>): string {
  let out = '';
  entries.forEach((entry, index) => {
    out += `--${boundary}${CRLF}`;
    if ('request' in entry) {
      out += httpPart(requestText(entry.request), undefined);
      return;
    }
    const changeset = `changeset_${boundary.replace(/^batch_/, '')}_${index}`;
    out += `Content-Type: multipart/mixed; boundary="${changeset}"${CRLF}${CRLF}`;
    for (const request of entry.changeset) out += `--${changeset}${CRLF}${httpPart(requestText(request), request.contentId)}`;
    out += `--${changeset}--${CRLF}`;
  });
  return `${out}--${boundary}--${CRLF}`;
}

/**
 * Reads a batch request body into its entries.
 * @throws MultipartError for a malformed body, a part that is not application/http, or a change set inside a change set
 */
export function decodeBatchRequest(body: string, contentType: string | undefined): Array<BatchEntry<HttpMessage & { contentId?: string }>> {
  return splitMultipart(body, boundaryOf(contentType)).map((part) => {
    const type = part.headers['content-type'] ?? '';
    if (/^\s*multipart\/mixed/i.test(type)) {
      const requests = splitMultipart(part.body, boundaryOf(type)).map((inner) => {
        if (/^\s*multipart\//i.test(inner.headers['content-type'] ?? '')) throw new MultipartError('a change set cannot hold another multipart part');
        return withContentId(httpMessageOf(inner), inner.headers['content-id']);
      });
      return { changeset: requests };
    }
    return { request: withContentId(httpMessageOf(part), part.headers['content-id']) };
  });
}

/** Writes a batch response body: each entry's responses, a change set's in its own multipart part. */
export function encodeBatchResponse(boundary: string, entries: ReadonlyArray<BatchEntry<BatchResponseItem>>): string {
  let out = '';
  entries.forEach((entry, index) => {
    out += `--${boundary}${CRLF}`;
    if ('request' in entry) {
      out += httpPart(responseText(entry.request), undefined);
      return;
    }
    const changeset = `changesetresponse_${boundary.replace(/^batchresponse_/, '')}_${index}`;
    out += `Content-Type: multipart/mixed; boundary=${changeset}${CRLF}${CRLF}`;
    for (const response of entry.changeset) out += `--${changeset}${CRLF}${httpPart(responseText(response), response.contentId)}`;
    out += `--${changeset}--${CRLF}`;
  });
  return `${out}--${boundary}--${CRLF}`;
}

/**
 * Reads a batch response into its responses in order, change sets flattened (as Microsoft's own
 * WebAPIService `ParseMultipartContent` does).
 * @throws MultipartError for a malformed body or a part that is not an HTTP response
 */
export function decodeBatchResponse(body: string, contentType: string | undefined): BatchResponseItem[] {
  const items: BatchResponseItem[] = [];
  for (const entry of decodeBatchRequest(body, contentType)) {
    for (const message of 'request' in entry ? [entry.request] : entry.changeset) {
      const status = /^HTTP\/\d\.\d\s+(\d{3})\b/.exec(message.startLine)?.[1];
      if (!status) throw new MultipartError(`a batch response part does not start with a status line: ${JSON.stringify(message.startLine.slice(0, 60))}`);
      items.push({ status: Number(status), headers: message.headers, body: message.body, ...(message.contentId !== undefined ? { contentId: message.contentId } : {}) });
    }
  }
  return items;
}

function headersAndBody(lines: string[]): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') { i++; break; }
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  // The line break before the next delimiter belongs to the delimiter; blank lines after a body are padding.
  return { headers, body: lines.slice(i).join(CRLF).replace(/(\r\n)+$/, '') };
}

function httpMessageOf(part: { headers: Record<string, string>; body: string }): HttpMessage {
  const type = part.headers['content-type'] ?? '';
  if (!/^\s*application\/http/i.test(type)) throw new MultipartError(`a batch part must be application/http, not ${JSON.stringify(type)}`);
  return parseHttpMessage(part.body);
}

function withContentId<T extends HttpMessage>(message: T, contentId: string | undefined): T & { contentId?: string } {
  return contentId === undefined ? message : { ...message, contentId };
}

function httpPart(message: string, contentId: string | undefined): string {
  return `Content-Type: application/http${CRLF}Content-Transfer-Encoding: binary${CRLF}`
    + (contentId !== undefined ? `Content-ID: ${contentId}${CRLF}` : '')
    + `${CRLF}${message}${CRLF}`;
}

function requestText(request: BatchRequestItem): string {
  const headers = Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}${CRLF}`).join('');
  return `${request.method} ${request.url} HTTP/1.1${CRLF}${headers}${CRLF}${request.body ?? ''}`;
}

function responseText(response: BatchResponseItem): string {
  const headers = Object.entries(response.headers).map(([name, value]) => `${name}: ${value}${CRLF}`).join('');
  return `HTTP/1.1 ${response.status} ${REASONS[response.status] ?? 'Status'}${CRLF}${headers}${CRLF}${response.body}`;
}

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 412: 'Precondition Failed', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};
