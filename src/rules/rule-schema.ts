import { z } from 'zod';

/**
 * A crisis rule file (`rules/<id>.yaml`), as data: which events count, the sliding window, when an
 * incident opens and closes, the parent Case per CRM (or, where the CRM opens a record per post by itself, what each post's
 * record gets: `each`), and the alert webhook. Strict: an unknown key
 * is a typo, reported with the key it probably meant. docs: the example rules/negative-mentions-burst.yaml.
 */

/** `30s`, `10m`, `1h`: a length of time in milliseconds. */
export const DURATION = /^(\d+)\s*(s|m|h)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of a duration such as `10m`; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}

const Duration = z.string().refine((t) => durationMs(t) !== undefined, { message: 'must be a length of time such as 30s, 10m or 2h (a whole number, then s, m or h)' });
const Expression = z.string().min(1, 'must be an expression (JSONata), not empty');
const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes (the file name without .yaml)');

const CaseSpec = z.object({
  object: z.string().min(1).describe('the CRM object the parent record is (Salesforce Case, SAP C4C ServiceRequest)'),
  fields: z.record(z.string(), Expression).describe('JSONata over { rule, group, count, openedAt, window, sample }'),
  link: z.object({
    object: z.string().min(1),
    matchKey: z.string().min(1),
    field: z.string().min(1),
  }).strict().optional().describe('each post of the incident: an update of its record setting `field` to the parent'),
  each: z.object({
    matchKey: z.string().min(1),
    waitFor: z.object({ field: z.string().min(1), object: z.string().min(1) }).strict().optional(),
  }).strict().optional().describe('no parent record: the record of `object` each post of the incident already has (found by `matchKey` = the post\'s id) gets `fields`'),
}).strict().refine((c) => !(c.each && c.link), { message: 'each and link do not go together: with each there is no parent record to link to', path: ['each'] });

export const RuleFile = z.object({
  id: Id,
  description: z.string().optional(),
  match: z.object({
    kind: z.literal('interaction', { error: 'only interactions are counted: write kind: interaction' }),
    when: Expression.optional(),
    groupBy: Expression.optional(),
  }).strict(),
  window: Duration,
  open: z.object({
    count: z.number().int().min(1, 'must be 1 or more').optional(),
    baselineFactor: z.number().gt(1, 'must be more than 1 (5 means five times the usual rate)').optional(),
    baseline: Duration.optional(),
    minCount: z.number().int().min(1, 'must be 1 or more').optional()
      .describe('the fewest matching events the baseline factor alone opens an incident with (default 10): 3 mentions are not a crisis because the usual is 0.5'),
  }).strict()
    .refine((o) => o.count !== undefined || o.baselineFactor !== undefined, { message: 'needs count, baselineFactor, or both: otherwise no incident would ever open' })
    .refine((o) => (o.baselineFactor === undefined) === (o.baseline === undefined), { message: 'baselineFactor and baseline go together: the factor compares with the average over the baseline' }),
  close: z.object({
    below: z.number().int().min(1, 'must be 1 or more').optional(),
    quietFor: Duration.optional(),
  }).strict().default({}),
  cases: z.record(z.string(), CaseSpec).default({}),
  alert: z.object({
    url: z.string().optional(),
    urlEnv: z.string().optional(),
    secret: z.string().optional(),
    secretEnv: z.string().optional(),
  }).strict()
    .refine((a) => (a.url === undefined) !== (a.urlEnv === undefined), { message: 'needs exactly one of url (the address itself) or urlEnv (the environment variable holding it)' })
    .refine((a) => (a.secret === undefined) !== (a.secretEnv === undefined), { message: 'needs exactly one of secret (whsec_…) or secretEnv (the environment variable holding it): alerts are always signed' })
    .optional(),
}).strict();
export type RuleFile = z.infer<typeof RuleFile>;
