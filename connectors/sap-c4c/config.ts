import { z } from 'zod';
import { PARLEY_ENTITY_SETS } from './metadata/catalog.ts';

/** The c4codataapi service root below a tenant host or the mounted sandbox (reference §1). */
export const SERVICE_ROOT_PATH = '/sap/c4c/odata/v1/c4codataapi/';

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');

/**
 * `destinations.<name>` for the SAP C4C connector. Unset `url` means the built-in sandbox
 * (`context.sandboxUrl` + the service root). Secrets come from the environment (`${SAP_C4C_PASSWORD}`).
 * Auth per reference §1: Basic (a business or integration user) or the OAuth 2.0 SAML bearer flow.
 */
export const SapC4cConfig = z.object({
  /** The service root, `https://myNNNNNN.crm.ondemand.com/sap/c4c/odata/v1/c4codataapi/` (trailing `/` added when missing); empty = unset. */
  url: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
  auth: z.enum(['basic', 'saml-bearer']).default('basic'),
  /** `basic`: the user and password. */
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** `saml-bearer`: `https://<tenant>/sap/bc/sec/oauth2/token`, the OAuth client, its scope (`UIWC:CC_HOME`) and a signed SAML 2.0 assertion, Base64. */
  tokenUrl: httpUrl.optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  scope: z.string().min(1).optional(),
  assertion: z.string().min(1).optional(),
  /** Entity types whose properties make the catalog (each must have an entity set in `$metadata`). */
  objects: z.array(z.string().min(1)).min(1).default(Object.keys(PARLEY_ENTITY_SETS)),
  /**
   * `TypeCode` of the document reference that ties the ticket C4C opens for a root social media
   * activity to it (reference §5.2: the sample uses 1607, its README says 1067) [unconfirmed]: the
   * look-up path `SocialMediaActivity/SocialMediaMessageID` of ServiceRequest filters on it.
   */
  ticketReferenceTypeCode: z.string().regex(/^\d{1,5}$/, 'a numeric TypeCode').default('1607'),
  /** How long to pause after a 429 without `Retry-After`, ms: C4C v1 documents no quota nor wait (reference §3, §7) [unconfirmed]. */
  rateLimitWaitMs: z.coerce.number().int().positive().default(60_000),
}).strict().superRefine((config, ctx) => {
  const need = (key: keyof typeof config) => {
    if (!config[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required for auth ${config.auth}` });
  };
  if (config.auth === 'basic') { need('username'); need('password'); }
  if (config.auth === 'saml-bearer') { need('tokenUrl'); need('clientId'); need('clientSecret'); need('scope'); need('assertion'); }
});
export type SapC4cConfig = z.infer<typeof SapC4cConfig>;
