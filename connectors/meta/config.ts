import { z } from 'zod';

const unsetWhenEmpty = (value: string | undefined) => (value === '' ? undefined : value);

/**
 * The block of a Meta source (`facebook`, `instagram`) in `parley.yaml`; both sources take the same
 * keys, usually from the same environment variables, because one Meta app signs both.
 * - `appSecret` keys `X-Hub-Signature-256` (App Dashboard → Settings → Basic → App Secret).
 * - `verifyToken` is the string typed into the App Dashboard's webhook setup; Meta echoes it in
 *   `hub.verify_token` when it verifies the callback URL.
 * The `…Previous` keys hold the value being rotated out: both are accepted until it is removed.
 */
export const MetaSourceConfig = z.object({
  appSecret: z.string().min(1, 'the Meta app secret (META_APP_SECRET) is required'),
  /** The app secret being rotated out (`META_APP_SECRET_PREVIOUS`); empty means no rotation. */
  appSecretPrevious: z.string().optional().transform(unsetWhenEmpty),
  verifyToken: z.string().min(1, 'the webhook verify token (META_VERIFY_TOKEN) is required'),
  /** The verify token being rotated out (`META_VERIFY_TOKEN_PREVIOUS`); empty means no rotation. */
  verifyTokenPrevious: z.string().optional().transform(unsetWhenEmpty),
}).strict();
export type MetaSourceConfig = z.infer<typeof MetaSourceConfig>;

/**
 * Default body limit of a Meta source, bytes: Meta batches up to 1,000 updates in one POST
 * (Graph API Webhooks docs, "Event Notifications"), which passes 1 MiB with comment text.
 */
export const META_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
