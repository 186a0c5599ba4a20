import { z } from 'zod';
import { OBJECTS } from './object-model.ts';

/** Where the REST resources live below a pod (reference §1): `<pod>/crmRestApi/resources/<version>/`. */
export const RESOURCES_PATH = '/crmRestApi/resources/';

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');

/**
 * `destinations.<name>` for the Oracle CX connector. Unset `url` means the built-in sandbox
 * (`context.sandboxUrl` + the version root). Secrets come from the environment (`${ORACLE_CX_PASSWORD}`).
 * Auth per reference §1: Basic, or an OAuth 2.0 bearer token from the pod's identity domain, whose
 * grant details are identity-domain configuration [unconfirmed]: `client_credentials` with a scope,
 * or the JWT bearer grant when an `assertion` is given.
 */
export const OracleCxConfig = z.object({
  /**
   * A pod root (`https://x.fa.us2.oraclecloud.com`: the version root is appended) or a URL that
   * already names `/crmRestApi/resources/` (with or without the version); empty = unset.
   */
  url: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
  /** The resource version of the URL (§1). */
  resourceVersion: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a version such as 11.13.18.05').default('11.13.18.05'),
  auth: z.enum(['basic', 'oauth']).default('basic'),
  /** `basic`: the integration user and password. */
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** `oauth`: the identity domain's token endpoint, the confidential client, and its scope (`urn:opc:resource:consumer::all`, say). */
  tokenUrl: httpUrl.optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  scope: z.string().min(1).optional(),
  /** `oauth`: a signed user assertion (JWT); given, the JWT bearer grant is used instead of `client_credentials`. */
  assertion: z.string().min(1).optional(),
  /**
   * `REST-Framework-Version` sent on every call (§1: versions are backward-incompatible, so it is
   * pinned). "1" uses query-by-example look-ups (one query per value); "2" and later, `IN (…)`.
   */
  frameworkVersion: z.coerce.string().regex(/^[1-9]$/, 'a framework version "1" to "9"').default('4'),
  /** The resources whose describe makes the catalog. */
  objects: z.array(z.enum(OBJECTS)).min(1).default([...OBJECTS]),
  /** How long to pause after a 429 without `Retry-After`, ms: Oracle publishes no quota nor wait (§5). */
  rateLimitWaitMs: z.coerce.number().int().positive().default(60_000),
  /** Items per look-up page: about 500 is the practical maximum (§2, third-party). */
  lookupPageSize: z.coerce.number().int().min(1).max(500).default(500),
}).strict().superRefine((config, ctx) => {
  const need = (key: keyof typeof config, why = `auth ${config.auth}`) => {
    if (!config[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required for ${why}` });
  };
  if (config.auth === 'basic') { need('username'); need('password'); }
  if (config.auth === 'oauth') {
    need('tokenUrl'); need('clientId'); need('clientSecret');
    if (!config.assertion) need('scope', 'the client_credentials grant (no assertion)');
  }
});
export type OracleCxConfig = z.infer<typeof OracleCxConfig>;

/**
 * The version root the config names, or the mounted sandbox's, with its trailing `/`; undefined
 * when neither is known. A pod root gets `/crmRestApi/resources/<version>/`; a URL ending at
 * `/crmRestApi/resources` gets the version; one already below it is used as it is.
 */
export function versionRoot(config: Pick<OracleCxConfig, 'url' | 'resourceVersion'>, context: { sandboxUrl?: string }): string | undefined {
  const base = config.url ?? context.sandboxUrl;
  if (base === undefined) return undefined;
  const trimmed = base.replace(/\/+$/, '');
  if (/\/crmRestApi\/resources$/.test(trimmed)) return `${trimmed}/${config.resourceVersion}/`;
  if (trimmed.includes(RESOURCES_PATH)) return `${trimmed}/`;
  return `${trimmed}${RESOURCES_PATH}${config.resourceVersion}/`;
}
