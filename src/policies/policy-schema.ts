import { z } from 'zod';
import { EventKind } from '../model/index.ts';
import { dropPathProblem } from './event-paths.ts';

/**
 * The `policies:` block of parley.yaml: what is dropped at intake, how long what is gathered is
 * kept, and what consent a CRM write needs. Data, checked at start-up: a path the model does not
 * have is a config error naming the nearest one (`policies.intake.0.drop.1`).
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration as written in the config: a whole number and a unit, `45s`, `10m`, `1h`, `365d`; parsed to ms. */
export const Duration = z.string().trim()
  .regex(/^[1-9][0-9]*(s|m|h|d)$/, 'a duration such as 30d, 12h, 10m or 45s')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.at(-1) as keyof typeof UNIT_MS]);

/** One intake rule: the canonical fields dropped from events of `kind` from `source` (`*`: every source) before they are stored. */
export const IntakeDropRule = z.object({
  source: z.union([z.literal('*'), z.string().regex(/^[a-z][a-z0-9-]*$/, 'a source id, or * for every source')]),
  kind: EventKind.exclude(['erasure']),
  /** Canonical paths (`location`, `author.handle`, `mentions.handle`), as docs/events.md lists them. */
  drop: z.array(z.string().min(1)).min(1),
}).strict().superRefine((rule, ctx) => {
  rule.drop.forEach((path, i) => {
    const problem = dropPathProblem(rule.kind, path);
    if (problem) ctx.addIssue({ code: 'custom', path: ['drop', i], message: problem });
  });
});
export type IntakeDropRule = z.infer<typeof IntakeDropRule>;

export const RetentionPolicy = z.object({
  /**
   * Events stored longer ago than this (by the time Parley stored them) are deleted or anonymised
   * (`mode`), but those still to plan or named by a queued operation; dead letters of stage
   * `mapping` (a copy of their event) as old are deleted. Unset: kept.
   */
  events: Duration.optional(),
  /**
   * Raw delivery bodies (the vendor's payload as received, kept byte for byte, fields dropped at
   * intake included) stored longer ago than this are deleted once derived, and dead letters of
   * stage `intake` (a body that could not be parsed) as old. Unset: kept.
   */
  deliveries: Duration.optional(),
  /**
   * Ended operations (done, dead, superseded) last changed longer ago than this lose their field
   * values (a dead one's dead letter goes too: it could no longer be replayed). Unset: kept.
   */
  operations: Duration.optional(),
  /** `delete` aged events, or `anonymise` them: personal fields (text, names, handles, e-mails, profile fields) blanked, keys kept. */
  mode: z.enum(['delete', 'anonymise']).default('delete'),
  /** How often the retention job runs. */
  every: Duration.prefault('1h'),
}).strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

export const ConsentPolicy = z.object({
  /**
   * For people with no recorded consent (`PUT /v1/identities/:key/consent`): `granted` writes their
   * fields marked `personal: true` to CRMs, `denied` leaves them out.
   */
  default: z.enum(['granted', 'denied']).default('granted'),
}).strict();
export type ConsentPolicy = z.infer<typeof ConsentPolicy>;

export const PoliciesConfig = z.object({
  intake: z.array(IntakeDropRule).default([]),
  retention: RetentionPolicy.default(RetentionPolicy.parse({})),
  consent: ConsentPolicy.default(ConsentPolicy.parse({})),
}).strict();
export type PoliciesConfig = z.infer<typeof PoliciesConfig>;
