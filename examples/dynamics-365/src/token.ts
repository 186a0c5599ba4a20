import { answerExcerpt, destinationConfigError, destinationUnreachableError, formValues, parseObject, SharedCredential, type OutboundClient } from 'parley/sdk';

/**
 * OAuth 2.0 client credentials against the Microsoft identity platform ("Microsoft identity
 * platform and the OAuth 2.0 client credentials flow", learn.microsoft.com/entra/identity-platform/
 * v2-oauth2-client-creds-grant-flow): `POST /<tenant>/oauth2/v2.0/token` with `grant_type`,
 * `client_id`, `client_secret` and `scope=<org url>/.default` ("Use OAuth with Dataverse").
 * The answer has `access_token` and `expires_in` (seconds); there is no refresh token in this flow,
 * so a token is simply requested again.
 */
export interface TokenOptions {
  /** The config block's name, for messages. */
  destination: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** `<org url>/.default`: every permission the application user has in that environment. */
  scope: string;
  now: () => number;
}

/** An access token and when it expires (epoch ms). */
export interface AccessToken {
  value: string;
  expiresAt: number;
}

/**
 * A cached access token of one app registration for one environment: the SDK's SharedCredential
 * (one request however many calls need a token or found it refused), used while it has five
 * minutes left.
 */
export class TokenSource {
  readonly #client: OutboundClient;
  readonly #options: TokenOptions;
  /** What the session sends with and renews on 401 (`sendWithRenewal`). */
  readonly credential: SharedCredential<AccessToken>;

  constructor(client: OutboundClient, options: TokenOptions) {
    this.#client = client;
    this.#options = options;
    this.credential = new SharedCredential(() => this.#request(), { fresh: (token) => token.expiresAt - options.now() > 5 * 60_000 });
  }

  /**
   * A token valid for at least another five minutes, requested when there is none.
   * @throws ParleyError PARLEY_DESTINATION_CONFIG (credentials or tenant refused), PARLEY_DESTINATION_UNREACHABLE (5xx, 429, network)
   */
  async token(): Promise<string> {
    return (await this.credential.current()).value;
  }

  async #request(): Promise<AccessToken> {
    const { destination, tokenUrl, clientId, clientSecret, scope } = this.#options;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }).toString();
    const answer = await this.#client.request({ method: 'POST', url: tokenUrl, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body });
    const json = parseObject(answer.body);
    if (answer.status === 200 && json && typeof json.access_token === 'string') {
      const seconds = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 3599);
      return { value: json.access_token, expiresAt: this.#options.now() + (Number.isFinite(seconds) ? seconds : 3599) * 1000 };
    }
    const excerpt = answerExcerpt(answer, formValues(body));
    if (answer.status === 429 || answer.status >= 500) {
      throw destinationUnreachableError({ destination, host: new URL(tokenUrl).host, reason: `the token endpoint answered ${answer.status}: ${excerpt}`, cause: `HTTP_${answer.status}`, sent: false, httpStatus: answer.status });
    }
    // 400/401 with an AADSTS error (invalid_client, unauthorized_client, invalid_scope), or an
    // answer that is not a token endpoint's at all: either way a person must fix the config.
    throw destinationConfigError({
      destination, httpStatus: answer.status, url: tokenUrl,
      reason: json && typeof json.error === 'string' ? `the token endpoint refused the credentials: ${excerpt}` : `the token URL did not answer as a token endpoint (${answer.status}): ${excerpt}`,
      ...(json && typeof json.error === 'string' ? { vendorCode: json.error } : { problem: 'NOT_A_TOKEN_ENDPOINT' }),
    });
  }
}
