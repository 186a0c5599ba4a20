/**
 * The state a simulated vendor shares across its routes: the `_faults` in force, the daily quota
 * and usage, the call counts `_stats` reports, and `account(call)`, which a vendor route calls once
 * per counted call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { matchingRule, pickFault, unknownFaults, type FaultCatalog, type FaultRule, type FaultsDocument, type FaultSpec, type faultsSchema } from './faults.ts';
import { seededRandom } from './random.ts';

/** What a vendor tells the kit. `K` is its kinds of call ("read" | "write" | "query" for Salesforce). */
export interface SandboxKitOptions<K extends string> {
  /** Its injectable faults (keys of `_faults.errors`). */
  faults: FaultCatalog<K>;
  /** Its `_faults` schema, from `faultsSchema(...)`. */
  schema: ReturnType<typeof faultsSchema>;
  /** The daily API quota before any `_faults.dailyLimit`, calls. */
  dailyLimit: number;
  /** The error code the vendor answers an exhausted quota with, as `_stats.errors` counts it. */
  limitErrorCode: string;
  /** Faults from the start (the sandbox block's `faults`, the same shape as `PUT /_faults`). */
  initial?: unknown;
  /** Epoch ms (default `Date.now`): `_stats.at`. */
  now?: () => number;
}

/**
 * What `account` decided for a call: refused for the daily quota, a fault to answer with (the
 * vendor shapes the answer from `spec`), or nothing (carry it out). `usage` is the quota as this
 * call left it (for a vendor's usage header), whatever other calls counted during its latency.
 */
export type CallVerdict =
  | { kind: 'over-limit'; usage: { used: number; limit: number } }
  | { kind: 'fault'; key: string; spec: FaultSpec; usage: { used: number; limit: number } }
  | { kind: 'go'; usage: { used: number; limit: number } };

/** A refused `_faults` document: the problems, for a 400. */
export class FaultsRefused extends Error {
  readonly details: { unknown: string[] } | { issues: Array<{ key: string; problem: string }> };
  constructor(message: string, details: FaultsRefused['details']) {
    super(message);
    this.name = 'FaultsRefused';
    this.details = details;
  }
}

/** A sandbox's faults, quota and statistics (one per mounted sandbox). */
export class SandboxKit<K extends string = string> {
  readonly #options: SandboxKitOptions<K>;
  #faults: FaultsDocument;
  #random: () => number = Math.random;
  #dailyLimit: number;
  #used = 0;
  #totalCalls = 0;
  readonly #calls = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  #expireSessions: (() => void) | undefined;

  /** @throws FaultsRefused when `options.initial` is not a valid `_faults` document */
  constructor(options: SandboxKitOptions<K>) {
    this.#options = options;
    this.#dailyLimit = options.dailyLimit;
    this.#faults = options.schema.parse({});
    this.setFaults(options.initial ?? {});
  }

  /**
   * Replaces the faults in force (`PUT /_faults`): a seed restarts the random draws, `dailyLimit`
   * and `apiUsage` replace the quota and usage, `expireSessions` revokes the sessions once.
   * @returns the document in force, with the quota and usage
   * @throws FaultsRefused for a body the schema refuses or an `errors` key the vendor does not know
   */
  setFaults(body: unknown): ReturnType<SandboxKit['faults']> {
    const parsed = (this.#options.schema as z.ZodType<FaultsDocument>).safeParse(body ?? {});
    if (!parsed.success) {
      throw new FaultsRefused('The faults body is invalid', { issues: parsed.error.issues.map((i) => ({ key: i.path.join('.'), problem: i.message })) });
    }
    const unknown = unknownFaults(parsed.data, this.#options.faults);
    if (unknown.length > 0) {
      throw new FaultsRefused(`Unknown fault keys: ${unknown.join(', ')} (known: ${Object.keys(this.#options.faults).join(', ')})`, { unknown });
    }
    this.#faults = parsed.data;
    if (parsed.data.seed !== undefined) this.#random = seededRandom(parsed.data.seed);
    if (parsed.data.dailyLimit !== undefined) this.#dailyLimit = parsed.data.dailyLimit;
    if (parsed.data.apiUsage !== undefined) this.#used = parsed.data.apiUsage;
    if (parsed.data.expireSessions) this.#expireSessions?.();
    return this.faults();
  }

  /** How the vendor revokes every session issued so far, for `_faults.expireSessions`. */
  onExpireSessions(revoke: () => void): void {
    this.#expireSessions = revoke;
  }

  /** `GET /_faults`: the document in force, with the current quota and usage. */
  faults(): FaultsDocument & { dailyLimit: number; apiUsage: number } {
    return { ...this.#faults, dailyLimit: this.#dailyLimit, apiUsage: this.#used };
  }

  /** A draw in [0, 1) from the current generator (seeded by `_faults.seed`), for a vendor's own per-record choices. */
  random(): number {
    return this.#random();
  }

  /** The daily quota and the calls counted against it today. */
  usage(): { used: number; limit: number } {
    return { used: this.#used, limit: this.#dailyLimit };
  }

  /** The `_faults` rule that refuses this record, if any (the vendor answers it in its per-record error shape). */
  ruleFor(object: string, record: Readonly<Record<string, unknown>>): FaultRule | undefined {
    return matchingRule(this.#faults.rules, object, record);
  }

  /** Counts an error answer under `_stats.errors` (the kit counts its own verdicts itself). */
  countError(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  /**
   * Accounts for one call a vendor route received, before doing its work: counts it under
   * `endpoint` (a route pattern such as `POST /composite/sobjects`, never an id), refuses it when
   * the daily quota is spent, else counts it against the quota, waits `latencyMs`, and draws the
   * fault it gets among those the vendor says can happen on `kind`.
   */
  async account(call: { endpoint: string; kind: K }): Promise<CallVerdict> {
    this.#totalCalls++;
    this.#calls.set(call.endpoint, (this.#calls.get(call.endpoint) ?? 0) + 1);
    if (this.#used >= this.#dailyLimit) {
      this.countError(this.#options.limitErrorCode);
      return { kind: 'over-limit', usage: this.usage() };
    }
    this.#used++;
    const usage = this.usage();
    if (this.#faults.latencyMs > 0) await sleep(this.#faults.latencyMs);
    const key = pickFault(this.#faults.errors, this.#options.faults, call.kind, this.#random);
    if (key === undefined) return { kind: 'go', usage };
    const spec = this.#options.faults[key]!;
    this.countError(spec.errorCode);
    return { kind: 'fault', key, spec, usage };
  }

  /** Waits `responseDelayMs`: a vendor calls it after the work of a counted call, before answering. */
  async afterWork(): Promise<void> {
    if (this.#faults.responseDelayMs > 0) await sleep(this.#faults.responseDelayMs);
  }

  /**
   * `GET /_stats`: calls in all and per endpoint, live records per object (from the vendor), the
   * quota, and error answers per code.
   */
  stats(records: ReadonlyMap<string, number> | Readonly<Record<string, number>>): SandboxStats {
    const entries = records instanceof Map ? [...records] : Object.entries(records);
    return {
      at: (this.#options.now ?? Date.now)(),
      totalCalls: this.#totalCalls,
      calls: Object.fromEntries(this.#calls),
      records: Object.fromEntries(entries),
      apiUsage: this.usage(),
      errors: Object.fromEntries(this.#errors),
    };
  }
}

/** The `GET /_stats` body. Counts are calls or records; keys are endpoints, objects, error codes. */
export interface SandboxStats {
  /**
   * When the counts were read, epoch ms on the sandbox's clock. A rate worked out from two
   * `_stats` needs this time, not the reader's: an answer that reaches a busy reader late would
   * otherwise shorten the next interval while its count covers the whole of it.
   */
  at: number;
  totalCalls: number;
  calls: Record<string, number>;
  records: Record<string, number>;
  apiUsage: { used: number; limit: number };
  errors: Record<string, number>;
}
