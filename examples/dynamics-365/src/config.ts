import { z } from 'zod';

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL').transform((v) => v.replace(/\/+$/, ''));

/**
 * Where social posts go. Microsoft's table reference marks `socialactivity` "For internal use
 * only" (learn.microsoft.com/power-apps/developer/data-platform/reference/entities/socialactivity):
 * it is listed with a Create message, but it is not a supported target for your own code. It was
 * filled by Microsoft's own social engagement integration; its columns carry no documented meaning
 * and may change or disappear in an update without notice, and Microsoft support will not help
 * with data written there. So Parley writes it only when asked, and warns at connect.
 *
 * - a custom table's logical name (default `parley_socialpost`): a table you create, with an
 *   alternate key on its external post id, so a post is upserted (written twice, stored once);
 * - `annotation`: a note attached to the contact or social profile (`objectid_contact`), with no
 *   setup at all; notes have no column to hold the post's id as a key, so posts are created, not
 *   upserted, and a replayed post can be written twice;
 * - `socialactivity`: the unsupported table, for an org that already uses it.
 */
export const PostsTable = z.union([
  z.literal('annotation'),
  z.literal('socialactivity'),
  z.string().regex(/^[a-z][a-z0-9]*_[a-z0-9_]+$/, 'a custom table\'s logical name, with its publisher prefix (parley_socialpost)'),
]);

/**
 * `destinations.<name>` for the Dynamics 365 connector (`module: ./examples/dynamics-365`).
 * Unset `url` means the sandbox Parley mounts at `/sandbox/dynamics-365`.
 */
export const DynamicsConfig = z.object({
  /** The environment's URL: `https://contoso.crm.dynamics.com` (no path). */
  url: httpUrl.optional(),
  /** The Microsoft Entra tenant (directory) id or domain the app registration lives in. */
  tenantId: z.string().min(1).optional(),
  /**
   * The token endpoint; default `https://login.microsoftonline.com/<tenantId>/oauth2/v2.0/token`
   * (Microsoft identity platform, client credentials grant). With no `url`, the sandbox's.
   */
  tokenUrl: httpUrl.optional(),
  /** The app registration's application (client) id; an application user in the environment must exist for it. */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Where posts are written (see `PostsTable`). */
  posts: PostsTable.default('parley_socialpost'),
  /** Tables whose definitions make the catalog mappings are checked against, besides the posts table. */
  tables: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).default(['socialprofile', 'contact']),
}).strict().superRefine((config, ctx) => {
  if (config.url && !config.tokenUrl && !config.tenantId) {
    ctx.addIssue({ code: 'custom', path: ['tenantId'], message: 'is required with url (or give tokenUrl)' });
  }
});
export type DynamicsConfig = z.infer<typeof DynamicsConfig>;

/** The tables the catalog describes: `tables` and the posts table, once each. */
export function catalogTables(config: Pick<DynamicsConfig, 'tables' | 'posts'>): string[] {
  return [...new Set([...config.tables, config.posts])];
}

/** The org URL and the token URL a config means, given the sandbox's URL when Parley mounts it. */
export function endpoints(config: Pick<DynamicsConfig, 'url' | 'tenantId' | 'tokenUrl'>, sandboxUrl: string | undefined): { orgUrl: string; tokenUrl: string } | undefined {
  const orgUrl = config.url ?? sandboxUrl?.replace(/\/+$/, '');
  if (!orgUrl) return undefined;
  const tenant = encodeURIComponent(config.tenantId ?? 'parley-demo');
  const tokenUrl = config.tokenUrl ?? (config.url ? `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token` : `${orgUrl}/${tenant}/oauth2/v2.0/token`);
  return { orgUrl, tokenUrl };
}
