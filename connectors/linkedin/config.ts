import { z } from 'zod';

/**
 * What LinkedIn's `X-LI-Signature` is an HMAC of. LinkedIn's page ("Webhook validation",
 * learn.microsoft.com/linkedin/shared/api-guide/webhook-validation) says the value is "the
 * HMACSHA256 hash of the JSON-encoded string representation of the POST body prefixed by
 * `hmacsha256=`", which reads two ways, and no captured delivery settles it:
 * - `prefixed-body` (default): hex HMAC-SHA256(client secret, `"hmacsha256=" + raw body`). The
 *   page's next sentence says to "compute the signature on the POST body prefixed by
 *   `hmacsha256=`", which names the prefixed body as the signed input, and the one third-party
 *   transcription found reads it so too.
 * - `body`: hex HMAC-SHA256(client secret, raw body), the prefix being the header's.
 * Either way the header may carry a `hmacsha256=` prefix or not: both are accepted.
 */
export const SignatureInput = z.enum(['prefixed-body', 'body']);
export type SignatureInput = z.infer<typeof SignatureInput>;

const optionalSecret = z.string().optional().transform((value) => (value === '' ? undefined : value));

/**
 * The `linkedin` source's block in `parley.yaml`. The client secret is the LinkedIn app's: it keys
 * both the `challengeCode` answer and the delivery signature.
 */
export const LinkedInSourceConfig = z.object({
  clientSecret: z.string().min(1, 'the LinkedIn app client secret (LINKEDIN_CLIENT_SECRET) is required'),
  /** The secret being rotated out; accepted for deliveries until removed (`LINKEDIN_CLIENT_SECRET_PREVIOUS`). */
  clientSecretPrevious: optionalSecret,
  /**
   * Parent/child apps (LinkedIn "Apply Connect"): applicationId → that app's client secret. A
   * challenge naming an `applicationId` listed here is answered with its secret, and deliveries
   * signed with it are accepted. Read into a Map before validation: application ids are looked
   * up, never used as keys of a plain object (so even `__proto__` is just an id).
   */
  applicationSecrets: z.preprocess(
    (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Map) ? new Map(Object.entries(value)) : value),
    z.map(z.string().min(1), z.string().min(1, 'an application client secret must not be empty')),
  ).optional().transform((secrets) => secrets ?? new Map<string, string>()),
  signatureInput: SignatureInput.default('prefixed-body'),
}).strict();
export type LinkedInSourceConfig = z.infer<typeof LinkedInSourceConfig>;
