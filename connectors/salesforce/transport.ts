import { PassThrough } from 'node:stream';
import type { OutboundClient } from '../../src/connectors/index.ts';

/** The request jsforce hands its transport (jsforce 3 `HttpRequest`). */
interface JsforceRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The answer jsforce expects back (jsforce 3 `HttpResponse`). */
interface JsforceResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** jsforce's transport contract: a promise of the answer that also exposes a stream of its body. */
type StreamPromise = Promise<JsforceResponse> & { stream(): PassThrough };

/**
 * A jsforce transport that sends every call — OAuth token requests and REST calls alike — through
 * Parley's outbound client, so the SDK's policy holds for Salesforce too: trusted hosts only,
 * redirects refused (jsforce's own transport follows them with the `Authorization` header), and
 * connect and response timeouts (jsforce's default is 30 minutes; node-fetch has no connect timeout).
 *
 * jsforce 3 keeps its transport in `Connection._transport` and `OAuth2._transport` (lib/connection.js,
 * lib/oauth2.js) and calls only `httpRequest(request, options)`; its options (proxy, redirects,
 * retries of idempotent calls) are ignored on purpose: Parley's retries are its own.
 */
export class OutboundTransport {
  readonly #outbound: OutboundClient;

  constructor(outbound: OutboundClient) {
    this.#outbound = outbound;
  }

  httpRequest(request: JsforceRequest): StreamPromise {
    const stream = new PassThrough();
    const promise = this.#outbound.request({
      method: request.method, url: request.url,
      ...(request.headers ? { headers: stringHeaders(request.headers) } : {}),
      ...(request.body !== undefined && request.body !== null ? { body: request.body } : {}),
    }).then((answer) => {
      stream.end(answer.body);
      return { statusCode: answer.status, headers: answer.headers, body: answer.body };
    }, (error: unknown) => {
      // Ended, not destroyed: nobody may be listening for a stream error, and the promise carries it.
      stream.end();
      throw error;
    });
    return Object.assign(promise, { stream: () => stream });
  }
}

/**
 * Installs the transport on a jsforce connection and its OAuth2 client.
 * @param conn a jsforce 3 Connection
 */
export function useOutboundTransport(conn: object, outbound: OutboundClient): void {
  const transport = new OutboundTransport(outbound);
  const target = conn as { _transport?: unknown; oauth2?: { _transport?: unknown } };
  target._transport = transport;
  if (target.oauth2) target.oauth2._transport = transport;
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && value !== null) out[name] = String(value);
  return out;
}
