import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * `destinations.<name>` for the Salesforce connector. Unset `loginUrl` means the built-in sandbox
 * (ARCHITECTURE.md, Fixed interfaces). Secrets come from the environment (`${SALESFORCE_CLIENT_SECRET}`).
 */
export const SalesforceConfig = z.object({
  /** Where tokens are requested: `https://login.salesforce.com`, `https://test.salesforce.com` or the org's My Domain (client credentials need My Domain). */
  loginUrl: z.string().refine((v) => v === '' || /^https?:\/\/[^\s]+$/.test(v), 'an http(s) URL').optional(),
  /** REST API version, pinned: jsforce would otherwise use 50.0 (reference §11). Collections upsert needs 46.0 or later. */
  apiVersion: z.string().regex(/^\d{2}\.0$/, 'a version such as 62.0').refine((v) => Number(v) >= 46, 'sObject Collections upsert needs 46.0 or later').default('62.0'),
  /** OAuth 2.0 flow: `client_credentials` (a connected app's Run-As user), `jwt_bearer` (server-to-server with a certificate) or `password`. */
  flow: z.enum(['client_credentials', 'jwt_bearer', 'password']).default('client_credentials'),
  clientId: z.string().min(1),
  clientSecret: z.string().optional(),
  /** The user to act as (`jwt_bearer`: the JWT's `sub`; `password`). */
  username: z.string().optional(),
  /** `password` flow: the password with the user's security token appended. */
  password: z.string().optional(),
  /**
   * `jwt_bearer`: the PEM private key (RSA, unencrypted, PKCS#8 or PKCS#1) whose certificate is
   * uploaded to the connected app. A key on one line with literal `\n` sequences (as environment
   * variables often carry it) is read as the PEM it spells. Checked at start-up, never printed.
   */
  privateKey: z.string().transform(unescapePem).optional(),
  /** `jwt_bearer`: the JWT's `aud`; default `https://test.salesforce.com` for a test.salesforce.com login URL, else `https://login.salesforce.com`. */
  audience: z.string().optional(),
  /** Objects whose describe makes the catalog mappings are checked against. */
  objects: z.array(z.string().min(1)).default(['SocialPersona', 'SocialPost', 'Case', 'Contact', 'Lead', 'Account']),
  /** How long to pause after REQUEST_LIMIT_EXCEEDED, ms: Salesforce announces no wait [unconfirmed]. */
  rateLimitWaits: z.object({
    totalRequestsMs: z.coerce.number().int().min(0).default(15 * 60_000),
    concurrentRequestsMs: z.coerce.number().int().min(0).default(5_000),
  }).strict().default({ totalRequestsMs: 15 * 60_000, concurrentRequestsMs: 5_000 }),
}).strict().superRefine((config, ctx) => {
  const need = (key: 'clientSecret' | 'username' | 'password' | 'privateKey') => {
    if (!config[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required for the ${config.flow} flow` });
  };
  if (config.flow === 'client_credentials') need('clientSecret');
  if (config.flow === 'password') { need('clientSecret'); need('username'); need('password'); }
  if (config.flow === 'jwt_bearer') {
    need('username'); need('privateKey');
    const problem = config.privateKey ? privateKeyProblem(config.privateKey) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['privateKey'], message: `is not a PEM private key (${problem})` });
  }
});
export type SalesforceConfig = z.infer<typeof SalesforceConfig>;

/** A PEM given on one line with literal `\n` (or `\r\n`) sequences, as the PEM it spells; any other value unchanged. */
function unescapePem(value: string): string {
  return !value.includes('\n') && value.includes('-----BEGIN') && value.includes('\\n') ? value.replace(/\\r\\n|\\n/g, '\n') : value;
}

/**
 * Why a value cannot sign the JWT bearer flow's RS256 assertion, or undefined when it can. The
 * reason never quotes the value: it is a secret.
 */
export function privateKeyProblem(pem: string): string | undefined {
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
  if (!begin) return 'no "-----BEGIN PRIVATE KEY-----" line; give the whole PEM file, or \\n for its line breaks';
  if (/CERTIFICATE|PUBLIC KEY/.test(begin)) return `this is a ${begin.toLowerCase()}: the certificate goes into the connected app, the private key here`;
  if (begin === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) return 'it is encrypted with a passphrase; give it unencrypted (openssl pkey -in key.pem -out plain.pem)';
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch (error) {
    // OpenSSL's words (`error:1E08010C:DECODER routines::unsupported`) name no part of the key.
    const e = error as { code?: unknown; message?: unknown };
    const words = typeof e.message === 'string' ? e.message.split(pem).join('(the key)').slice(0, 120) : '';
    return `${begin} does not decode${words ? `: ${words}` : ''}${typeof e.code === 'string' ? ` (${e.code})` : ''}`;
  }
  if (type !== 'rsa') return `a ${type ?? 'non-RSA'} key; the JWT bearer flow signs RS256 and needs an RSA key`;
  return undefined;
}
