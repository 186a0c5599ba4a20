import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../src/connectors/outbound.ts';
import { connectDestination, type DestinationContext } from '../src/connectors/index.ts';
import { isParleyError } from '../src/errors.ts';
import salesforce from '../connectors/salesforce/index.ts';
import { SalesforceConfig } from '../connectors/salesforce/config.ts';
import { DEMO_JWT_PRIVATE_KEY } from '../connectors/salesforce/demo-keys.ts';
import { fakeHttpServer } from './helpers/fake-servers.ts';
import { api, startParley, type TestParley } from './helpers/parley.ts';
import { startSalesforceSandbox, type RunningSandbox } from './helpers/salesforce-sandbox.ts';

// What a login URL may answer besides a token or a refusal: a server-side failure (transient: the
// destination is `unreachable` and retried), a page that is not a token endpoint (a wrong URL:
// `misconfigured`), and a private key that cannot sign (caught by the config schema at start-up).
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

const fakeServer = async (answer: (req: IncomingMessage, res: ServerResponse) => void) => {
  const server = await fakeHttpServer(answer);
  cleanups.push(server.close);
  return server;
};

/** A login server that answers every request with `status`, `contentType` and `body`. */
const loginAnswering = (status: number, contentType: string, body: string) =>
  fakeServer((_req, res) => { res.writeHead(status, { 'content-type': contentType }); res.end(body); });

/** A maintenance page as load balancers serve it: long, with markup and a marker that must not be echoed. */
const HTML_PAGE = `<!DOCTYPE html><html><head><title>Service Unavailable</title><style>body{font:1em sans-serif}</style></head>
<body><h1>Down for maintenance</h1><p>${'Lorem ipsum dolor sit amet. '.repeat(40)}</p><p>MARKER-DEEP-IN-THE-PAGE</p></body></html>`;

const context = (): DestinationContext => {
  const log = () => undefined;
  return {
    name: 'salesforce',
    outbound: (baseUrl) => createOutboundClient({ destination: 'salesforce', baseUrl, trustedDomains: salesforce.trustedDomains ?? [] }),
    logger: { debug: log, info: log, warn: log, error: log },
  };
};

const CREDENTIALS = { flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' };

/** The error connecting to `loginUrl` fails with. */
async function connectError(loginUrl: string, overrides: Record<string, unknown> = {}) {
  const config = SalesforceConfig.parse({ ...CREDENTIALS, loginUrl, ...overrides });
  const error = await salesforce.connect(config, context()).then(async (client) => { await client.close(); return undefined; }, (e: unknown) => e);
  expect(isParleyError(error)).toBe(true);
  return error as { code: string; message: string; details: Record<string, unknown> };
}

async function startWith(loginUrl: string, extra: Record<string, unknown> = {}): Promise<TestParley> {
  const parley = await startParley({
    extra: { mappingsDir: join(process.cwd(), 'mappings') },
    destinations: { salesforce: { connector: 'salesforce', loginUrl, ...CREDENTIALS, connectTimeoutMs: 500, responseTimeoutMs: 500, ...extra } },
  });
  cleanups.push(() => parley.stop());
  return parley;
}

async function connectorStatus(parley: TestParley): Promise<{ state: string; lastError?: { code: string; message: string } }> {
  const answer = await api(parley.base, '/v1/connectors', parley.adminKey);
  return (answer.json as { items: Array<{ state: string; lastError?: { code: string; message: string } }> }).items[0]!;
}

describe('a login server failing on its side is transient: unreachable, retried', () => {
  it.each([500, 502, 503, 504])('HTTP %i with an HTML page: PARLEY_DESTINATION_UNREACHABLE naming the status, without the page', async (status) => {
    const login = await loginAnswering(status, 'text/html; charset=utf-8', HTML_PAGE);
    const error = await connectError(login.url);
    expect(error).toMatchObject({
      code: 'PARLEY_DESTINATION_UNREACHABLE',
      details: { destination: 'salesforce', host: new URL(login.url).host, cause: `HTTP_${status}`, httpStatus: status, sent: false },
    });
    expect(error.message).not.toContain('MARKER-DEEP-IN-THE-PAGE');
    expect(error.message).not.toContain('<');
    expect(login.seen.map((r) => r.line)).toEqual(['POST /services/oauth2/token']);
  });

  it('HTTP 500 with an OAuth JSON error (unknown_error) is still the server: unreachable, the vendor code kept', async () => {
    const login = await loginAnswering(500, 'application/json', JSON.stringify({ error: 'unknown_error', error_description: 'retry your request' }));
    const error = await connectError(login.url);
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_UNREACHABLE', details: { cause: 'HTTP_500', httpStatus: 500, vendorCode: 'unknown_error' } });
  });

  it('HTTP 429 at the login is a rate limit, not refused credentials: unreachable, retried with backoff', async () => {
    const login = await loginAnswering(429, 'text/plain', 'Too Many Requests');
    expect(await connectError(login.url)).toMatchObject({ code: 'PARLEY_DESTINATION_UNREACHABLE', details: { cause: 'HTTP_429', httpStatus: 429 } });
  });

  it('a secret echoed back by a failing server is not repeated in the error', async () => {
    // A proxy's error page that quotes the form it was sent, secret included.
    const login = await loginAnswering(500, 'text/plain', 'bad request: grant_type=client_credentials&client_id=parley-demo&client_secret=parley-demo-secret');
    const error = await connectError(login.url);
    expect(error.code).toBe('PARLEY_DESTINATION_UNREACHABLE');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('parley-demo-secret');
  });

  it('a re-login (session expired) answered 503: the records are retryable, not a configuration error', async () => {
    let logins = 0;
    const crm = await fakeServer((req, res) => {
      if (req.url?.endsWith('/services/oauth2/token')) {
        if (logins++ === 0) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: '00Dfake!token', instance_url: crm.url, id: `${crm.url}/id/00D000000000001AAA/005000000000001AAA`, token_type: 'Bearer' }));
        } else { res.writeHead(503, { 'content-type': 'text/html' }); res.end(HTML_PAGE); }
        return;
      }
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]));
    });
    const client = await connectDestination(salesforce, SalesforceConfig.parse({ ...CREDENTIALS, loginUrl: crm.url }), context(), { retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 } });
    try {
      const results = await client.write({ object: 'Contact', operation: 'upsert', matchKey: 'Email', operations: [{ id: 'a', fields: { Email: 'a@example.com', LastName: 'A' } }] });
      expect(results.get('a')).toMatchObject({ status: 'retryable', error: { code: 'PARLEY_DESTINATION_UNREACHABLE' } });
      expect(logins).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
    }
  });

  it('through the service: /v1/connectors shows the destination unreachable, not misconfigured', async () => {
    const login = await loginAnswering(500, 'text/html', HTML_PAGE);
    const parley = await startWith(login.url);
    const status = await connectorStatus(parley);
    expect(status).toMatchObject({ state: 'unreachable', lastError: { code: 'PARLEY_DESTINATION_UNREACHABLE' } });
    expect(status.lastError!.message).not.toContain('MARKER-DEEP-IN-THE-PAGE');
  });
});

describe('a login URL that is not a Salesforce token endpoint is a configuration error', () => {
  const cases: Array<[string, number, string, string]> = [
    ['200 with an HTML page', 200, 'text/html', HTML_PAGE],
    ['200 with JSON that is not a token', 200, 'application/json', JSON.stringify({ status: 'ok' })],
    ['200 with a token but no instance_url', 200, 'application/json', JSON.stringify({ access_token: '00Dx!y', token_type: 'Bearer' })],
    ['200 with an empty body', 200, 'text/plain', ''],
    ['404 with an HTML page', 404, 'text/html', HTML_PAGE],
  ];
  it.each(cases)('%s: PARLEY_DESTINATION_CONFIG, problem NOT_A_TOKEN_ENDPOINT, naming the URL', async (_name, status, contentType, body) => {
    const login = await loginAnswering(status, contentType, body);
    const error = await connectError(login.url);
    expect(error).toMatchObject({
      code: 'PARLEY_DESTINATION_CONFIG',
      details: { destination: 'salesforce', problem: 'NOT_A_TOKEN_ENDPOINT', url: `${login.url}/services/oauth2/token`, httpStatus: status },
    });
    expect(error.message).not.toMatch(/TypeError|Cannot read properties|undefined/);
    expect(error.message).not.toContain('MARKER-DEEP-IN-THE-PAGE');
  });

  it('a refusal in Salesforce\'s own JSON words stays a refusal (vendor code kept)', async () => {
    const login = await loginAnswering(400, 'application/json', JSON.stringify({ error: 'invalid_client_id', error_description: 'client identifier invalid' }));
    const error = await connectError(login.url);
    expect(error).toMatchObject({ code: 'PARLEY_DESTINATION_CONFIG', details: { vendorCode: 'invalid_client_id' } });
    expect(error.details.problem).toBeUndefined();
  });

  it('through the service: /v1/connectors shows the destination misconfigured', async () => {
    const login = await loginAnswering(200, 'text/html', HTML_PAGE);
    const parley = await startWith(login.url);
    expect(await connectorStatus(parley)).toMatchObject({ state: 'misconfigured', lastError: { code: 'PARLEY_DESTINATION_CONFIG' } });
  });
});

describe('jwt_bearer: the private key is checked by the config schema', () => {
  const jwt = (privateKey: string) => SalesforceConfig.safeParse({ flow: 'jwt_bearer', clientId: 'x', username: 'u@example.com', privateKey });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const SECRET_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7SECRETSECRET';
  const notKeys: Array<[string, string]> = [
    ['plain text', 'SECRETSECRET-not-a-key-at-all'],
    ['a PEM whose body is damaged', `-----BEGIN PRIVATE KEY-----\n${SECRET_BODY}\n-----END PRIVATE KEY-----\n`],
    ['a public key', rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    ['an EC key (RS256 needs RSA)', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
  ];
  it.each(notKeys)('%s: an issue on privateKey, the key never printed', (_name, privateKey) => {
    const parsed = jwt(privateKey);
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    expect(issues).toEqual([{ path: 'privateKey', message: expect.stringMatching(/^is not a PEM private key/) }]);
    const printed = JSON.stringify(issues);
    expect(printed).not.toContain('SECRET');
    for (const line of privateKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(printed).not.toContain(line);
  });

  it('a key given with literal \\n sequences (as environment variables carry it) is accepted as the PEM', () => {
    const escaped = DEMO_JWT_PRIVATE_KEY.trim().replace(/\n/g, '\\n');
    const parsed = jwt(escaped);
    expect(parsed.success).toBe(true);
    expect(parsed.data!.privateKey!.trim()).toBe(DEMO_JWT_PRIVATE_KEY.trim());
  });

  it('a PKCS#1 RSA key is accepted', () => {
    expect(jwt(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()).success).toBe(true);
  });

  it('another flow does not check a key it does not use', () => {
    expect(SalesforceConfig.safeParse({ ...CREDENTIALS, privateKey: 'unused' }).success).toBe(true);
  });

  it('start-up stops on a bad key, naming destinations.salesforce.privateKey, never printing it', async () => {
    const error = await startParley({
      destinations: { salesforce: { connector: 'salesforce', flow: 'jwt_bearer', clientId: 'x', username: 'u@example.com', privateKey: `-----BEGIN PRIVATE KEY-----\n${SECRET_BODY}\n-----END PRIVATE KEY-----` } },
    }).then(async (p) => { await p.stop(); return undefined; }, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'PARLEY_CONFIG_INVALID', details: { issues: [{ key: 'destinations.salesforce.privateKey', problem: expect.stringMatching(/^is not a PEM private key/) }] } });
    const e = error as { message: string; details: unknown };
    expect(JSON.stringify({ message: e.message, details: e.details })).not.toContain('SECRET');
  });
});

describe('jwt_bearer with an escaped key logs in', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => { sandbox = await startSalesforceSandbox(); });
  afterAll(async () => sandbox.close());

  it('the sandbox accepts the assertion signed with the unescaped key', async () => {
    const config = SalesforceConfig.parse({ flow: 'jwt_bearer', clientId: 'parley-demo', username: 'demo@parley.local', privateKey: DEMO_JWT_PRIVATE_KEY.trim().replace(/\n/g, '\\n'), loginUrl: sandbox.base });
    const client = await salesforce.connect(config, context());
    await client.close();
  });
});
