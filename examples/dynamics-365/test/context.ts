import type { DestinationContext, OutboundClient } from 'parley/sdk';

/**
 * A DestinationContext for tests against the sandbox on 127.0.0.1: an outbound client that calls
 * loopback only and never follows a redirect (Parley's own policy client is not part of the SDK;
 * the conformance kit brings it), and a logger that keeps what it was told.
 */
export function loopbackContext(sandboxUrl: string): DestinationContext & { logged: Array<{ level: string; obj: object; msg?: string }> } {
  const logged: Array<{ level: string; obj: object; msg?: string }> = [];
  const log = (level: string) => (obj: object, msg?: string) => { logged.push({ level, obj, ...(msg !== undefined ? { msg } : {}) }); };
  return {
    name: 'dynamics', sandboxUrl, logged,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    outbound: () => loopbackClient(),
  };
}

function loopbackClient(): OutboundClient {
  const check = (url: string) => {
    if (!['127.0.0.1', 'localhost'].includes(new URL(url).hostname)) throw new Error(`tests call loopback only, not ${url}`);
  };
  return {
    assertTrusted: check,
    async request(req) {
      check(req.url);
      const answer = await fetch(req.url, { method: req.method, headers: req.headers ?? {}, redirect: 'manual', ...(req.body !== undefined ? { body: typeof req.body === 'string' ? req.body : new Uint8Array(req.body) } : {}) });
      return { status: answer.status, headers: Object.fromEntries([...answer.headers].map(([k, v]) => [k.toLowerCase(), v])), body: await answer.text() };
    },
    close: async () => undefined,
  };
}
