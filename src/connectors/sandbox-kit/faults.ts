/**
 * The `_faults` document every sandbox accepts (`PUT /sandbox/<id>/_faults`), and the catalogue of
 * faults a vendor declares: which error each key produces, and on which kinds of call the real API
 * can return it, so a sandbox never injects an error its vendor could not send there.
 */
import { z } from 'zod';

/** How a vendor's sandbox answers one injectable fault. `K` is the vendor's kinds of call ("read", "write"…). */
export interface FaultSpec<K extends string = string> {
  /** Kinds of call the real API can answer with it; it is never injected into another kind. */
  on: readonly K[];
  /** HTTP status of the answer. */
  status: number;
  /** The vendor's error code, as its error bodies carry it (and as `_stats.errors` counts it). */
  errorCode: string;
  message: string;
  /** Hits some records of a write call instead of the whole call (the vendor route applies it). */
  perRecord?: boolean;
  /** Answered with a body that is not JSON (a proxy's HTML page) instead of the vendor's error body. */
  nonJson?: boolean;
}

/** A vendor's injectable faults by `_faults.errors` key (an error code, or an HTTP status as a string). */
export type FaultCatalog<K extends string = string> = Readonly<Record<string, FaultSpec<K>>>;

/** What a vendor says about the per-record rules of its `_faults` document. */
export interface FaultRuleDefaults {
  /** The error code a rule answers with when it names none (Salesforce: FIELD_CUSTOM_VALIDATION_EXCEPTION). */
  errorCode: string;
  /** The shape of the vendor's error codes, to refuse a rule whose code the vendor could never send. */
  errorCodePattern?: RegExp;
  /** The message a rule answers with when it names none. */
  message: string;
}

/**
 * The zod schema of the `_faults` document:
 * - `latencyMs`: added to every counted call before it is carried out, ms (0–60 000);
 * - `responseDelayMs`: added after the call was carried out, before it is answered, ms: a client
 *   that gives up meanwhile never learns that its write succeeded;
 * - `errors`: `{ <fault key>: rate }`, the share of calls (0–1) that get that fault;
 * - `dailyLimit`: replaces the daily API quota; `apiUsage`: sets the calls already counted today;
 * - `expireSessions`: revokes every session issued so far, once;
 * - `seed`: makes the injected faults repeatable;
 * - `rules`: records refused on every write while `field` equals `equals`, as a validation rule does.
 */
export function faultsSchema(rules: FaultRuleDefaults) {
  const code = rules.errorCodePattern ? z.string().regex(rules.errorCodePattern) : z.string().min(1);
  return z.object({
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    responseDelayMs: z.number().int().min(0).max(60_000).default(0),
    errors: z.record(z.string(), z.number().min(0).max(1)).default({}),
    dailyLimit: z.number().int().positive().optional(),
    apiUsage: z.number().int().min(0).optional(),
    expireSessions: z.boolean().optional(),
    seed: z.number().int().optional(),
    rules: z.array(z.object({
      object: z.string().min(1),
      field: z.string().min(1),
      equals: z.union([z.string(), z.number(), z.boolean()]),
      errorCode: code.default(rules.errorCode),
      message: z.string().default(rules.message),
    }).strict()).default([]),
  }).strict();
}

/** A parsed `_faults` document. */
export type FaultsDocument = z.infer<ReturnType<typeof faultsSchema>>;

/** A per-record rule of the `_faults` document. */
export type FaultRule = FaultsDocument['rules'][number];

/** Keys of `errors` the vendor's catalogue does not know, for a clear 400. */
export function unknownFaults(document: Pick<FaultsDocument, 'errors'>, catalog: FaultCatalog): string[] {
  return Object.keys(document.errors).filter((key) => !Object.hasOwn(catalog, key));
}

/**
 * Picks at most one fault for a call: each configured fault that applies to `kind` fires with its
 * rate, in the order configured. Pure given `random`.
 */
export function pickFault<K extends string>(errors: Record<string, number>, catalog: FaultCatalog<K>, kind: K, random: () => number): string | undefined {
  for (const [key, rate] of Object.entries(errors)) {
    const fault = Object.hasOwn(catalog, key) ? catalog[key] : undefined;
    if (!fault || !fault.on.includes(kind) || rate <= 0) continue;
    if (random() < rate) return key;
  }
  return undefined;
}

/** The first rule that refuses `record` of `object`, if any. */
export function matchingRule(rules: readonly FaultRule[], object: string, record: Readonly<Record<string, unknown>>): FaultRule | undefined {
  return rules.find((rule) => rule.object === object && Object.hasOwn(record, rule.field) && record[rule.field] === rule.equals);
}
