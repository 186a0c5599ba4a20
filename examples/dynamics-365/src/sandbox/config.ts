import { z } from 'zod';

/** `sandboxes.dynamics-365` in parley.yaml. */
export const DynamicsSandboxConfig = z.object({
  /** Calls the kit counts before it answers 429 (stands in for the 6,000 requests per 5 minutes per web server). */
  dailyLimit: z.number().int().positive().default(100_000),
  /** `Retry-After` of a simulated 429, seconds (real ones grow with the load sent; see api-limits). */
  retryAfterSeconds: z.number().int().min(1).max(300).default(1),
  /** Faults in force from the start: the `PUT /_faults` body. */
  faults: z.unknown().optional(),
}).strict();
export type DynamicsSandboxConfig = z.infer<typeof DynamicsSandboxConfig>;
