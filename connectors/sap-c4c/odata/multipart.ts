/**
 * The MIME multipart layer under OData v2 `$batch` (RFC 2046 §5.1, as OData v2 "Batch Processing" §2
 * uses it): the boundary from a Content-Type, a body split into parts at its delimiter lines, a part's
 * headers and body, and embedded HTTP messages. CRLF is what the spec and C4C send; bare LF is
 * accepted on reading because some clients (e.g. @sap_oss/odata-library) join lines with `\n`.
 */

/** A multipart body, a part or an embedded HTTP message that cannot be read. */
export class BatchFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchFormatError';
  }
}

/** Lower-cased header names → values, as read; written back in the order given. */
export type Headers = Record<string, string>;

/**
 * The `boundary` parameter of a `multipart/mixed` Content-Type (quoted or not).
 * @throws BatchFormatError when the type is not multipart/mixed or has no boundary
 */
export function boundaryOf(contentType: string | undefined): string {
  if (!contentType || !/^\s*multipart\/mixed\s*(;|$)/i.test(contentType)) throw new BatchFormatError(`expected multipart/mixed, got ${contentType ?? 'no Content-Type'}`);
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new BatchFormatError('the multipart/mixed Content-Type has no boundary');
  return boundary;
}

/**
 * The parts of a multipart body, each as text between two delimiter lines (the line break before a
 * delimiter belongs to the delimiter, RFC 2046). Preamble and epilogue are dropped.
 * @throws BatchFormatError when the closing delimiter `--boundary--` is missing
 */
export function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.split(/\r?\n/);
  const parts: string[][] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd(); // transport padding after a delimiter is allowed
    if (trimmed === `--${boundary}--`) {
      if (current) parts.push(current);
      return parts.map((p) => p.join('\r\n'));
    }
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current);
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  throw new BatchFormatError(`the multipart body does not end with --${boundary}--`);
}

/** Splits text at its first blank line: header lines before it (lower-cased names), the rest after. */
export function splitHeaders(text: string): { headers: Headers; rest: string } {
  const match = /\r?\n\r?\n/.exec(text);
  const head = match ? text.slice(0, match.index) : text;
  const rest = match ? text.slice(match.index + match[0].length) : '';
  const headers: Headers = {};
  for (const line of head.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BatchFormatError(`not a header line: ${line.slice(0, 80)}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest };
}

/** Header lines with CRLF, each ending in CRLF. */
export function headerLines(headers: Headers): string {
  return Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
}

/** Joins parts (each already `headers CRLF CRLF body`) with delimiters and the closing delimiter. */
export function joinMultipart(parts: readonly string[], boundary: string): string {
  return parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('') + `--${boundary}--\r\n`;
}

/** A part of type `application/http` (binary): its embedded HTTP message after the part headers. */
export function httpPart(message: string, extraHeaders: Headers = {}): string {
  return headerLines({ 'Content-Type': 'application/http', 'Content-Transfer-Encoding': 'binary', ...extraHeaders }) + '\r\n' + message;
}

/** Reads the `application/http` part's headers; refuses another content type. */
export function expectHttpPart(headers: Headers): void {
  const type = headers['content-type'] ?? '';
  if (!/^application\/http\b/i.test(type)) throw new BatchFormatError(`expected an application/http part, got ${type || 'no Content-Type'}`);
}
