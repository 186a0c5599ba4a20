import { resolve } from 'node:path';
import { z } from 'zod';
import { Network } from '../../src/connectors/index.ts';
import { ProfileError, loadProfiles, type Profile } from './profile/load.ts';
import { decodeSecret } from './secret.ts';

const Secret = z.string().min(1, 'the Standard Webhooks signing secret (STANDARD_WEBHOOK_SECRET, "whsec_…") is required');
const OptionalSecret = z.string().optional().transform((value) => (value === '' ? undefined : value));

/** The `standard` source's block in `parley.yaml`, as written. */
const StandardSourceBlock = z.object({
  secret: Secret,
  /** The secret being rotated out (`STANDARD_WEBHOOK_SECRET_PREVIOUS`): accepted until removed. */
  secretPrevious: OptionalSecret,
  /** How far `webhook-timestamp` may be from Parley's clock, either way (the spec's libraries use 5 minutes). */
  toleranceSeconds: z.number().int().positive().max(3600).default(300),
  /** Which payload profile reads the bodies: a profile's name, or `auto` to pick by each profile's `match`. */
  profile: z.string().min(1).default('auto'),
  /** A folder of the user's own profiles (`<name>.yaml`), relative to the working directory. */
  profilesDir: z.string().min(1).optional(),
  /** The network of items whose profile gives none (or one that is not a network name). */
  network: Network.default('web'),
}).strict();

/**
 * The `standard` source's config: the block, with the secrets decoded to keys and the profiles
 * loaded and compiled. Profiles are read here, once, when the config is read at start: a broken
 * profile is a config error naming its file and line, never a failure at the first delivery.
 */
export const StandardSourceConfig = StandardSourceBlock.transform((block, ctx) => {
  const keys: Buffer[] = [];
  for (const [field, secret] of [['secret', block.secret], ['secretPrevious', block.secretPrevious]] as const) {
    if (secret === undefined) continue;
    const decoded = decodeSecret(secret);
    if (decoded.ok) keys.push(decoded.key);
    else ctx.addIssue({ code: 'custom', path: [field], message: decoded.reason });
  }
  let profiles: Profile[] = [];
  try {
    profiles = loadProfiles(block.profilesDir === undefined ? undefined : resolve(block.profilesDir));
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    ctx.addIssue({ code: 'custom', path: ['profilesDir'], message: `payload profile ${error.message}` });
    return z.NEVER;
  }
  if (block.profile !== 'auto' && !profiles.some((profile) => profile.name === block.profile)) {
    ctx.addIssue({ code: 'custom', path: ['profile'], message: `no payload profile "${block.profile}" (known: auto, ${profiles.map((p) => p.name).join(', ')})` });
  }
  if (block.profile === 'auto' && !profiles.some((profile) => profile.match)) {
    ctx.addIssue({ code: 'custom', path: ['profile'], message: 'auto needs at least one profile with a "match"' });
  }
  return {
    keys,
    toleranceSeconds: block.toleranceSeconds,
    network: block.network,
    /** The profiles to try, in order: the named one alone, or (auto) every profile with a `match`. */
    profiles: block.profile === 'auto' ? profiles.filter((profile) => profile.match) : profiles.filter((profile) => profile.name === block.profile),
    auto: block.profile === 'auto',
  };
});
export type StandardSourceConfig = z.output<typeof StandardSourceConfig>;
