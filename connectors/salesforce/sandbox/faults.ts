import { z } from 'zod';

/**
 * `PUT /sandbox/salesforce/_faults`: what the simulated org does wrong, per call.
 * `errors` keys are Salesforce error codes or HTTP statuses, values the share of calls (0–1) that
 * get them. Each is injected only where the real API can return it (`UNABLE_TO_LOCK_ROW` on writes).
 */
export const FaultsBody = z.object({
  /** Added to every counted call before it is carried out, ms. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Added after a call was carried out, before it is answered, ms: a client that dies meanwhile never learns it succeeded. */
  responseDelayMs: z.number().int().min(0).max(60_000).default(0),
  errors: z.record(z.string(), z.number().min(0).max(1)).default({}),
  /** Replaces the daily API quota. */
  dailyLimit: z.number().int().positive().optional(),
  /** Sets the calls already counted today (to start near the quota). */
  apiUsage: z.number().int().min(0).optional(),
  /** Revokes every access token issued so far, once: the next call with one gets 401 INVALID_SESSION_ID. */
  expireSessions: z.boolean().optional(),
  /** Makes the injected faults repeatable. */
  seed: z.number().int().optional(),
  /**
   * Records refused on every write while their field has a value, as an org's validation rule or
   * trigger does: `{ "object": "SocialPost", "field": "ExternalPostId", "equals": "42",
   * "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "…" }`. Per record; the rest of the call goes through.
   */
  rules: z.array(z.object({
    object: z.string().min(1),
    field: z.string().min(1),
    equals: z.union([z.string(), z.number(), z.boolean()]),
    errorCode: z.string().regex(/^[A-Z_]+$/).default('FIELD_CUSTOM_VALIDATION_EXCEPTION'),
    message: z.string().default('A validation rule of the org refused this record'),
  }).strict()).default([]),
}).strict();
export type FaultsBody = z.infer<typeof FaultsBody>;

/** What a call is, for deciding which faults it can get. */
export type CallKind = 'read' | 'write' | 'query';

/** Faults this sandbox knows, with where they can happen and how they are answered. */
export const FAULTS: Record<string, { on: readonly CallKind[]; status: number; errorCode: string; message: string; perRecord?: boolean; nonJson?: boolean }> = {
  UNABLE_TO_LOCK_ROW: { on: ['write'], status: 400, errorCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record or 1 records', perRecord: true },
  REQUEST_LIMIT_EXCEEDED: { on: ['read', 'write', 'query'], status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
  ConcurrentRequests: { on: ['read', 'write', 'query'], status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded' },
  INVALID_SESSION_ID: { on: ['read', 'write', 'query'], status: 401, errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
  SERVER_UNAVAILABLE: { on: ['read', 'write', 'query'], status: 503, errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable' },
  UNKNOWN_EXCEPTION: { on: ['read', 'write', 'query'], status: 500, errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-123456789)' },
  // Plain statuses answer with a body that is not JSON, as a load balancer in front of the org does [unconfirmed].
  500: { on: ['read', 'write', 'query'], status: 500, errorCode: 'ERROR_HTTP_500', message: 'Internal Server Error', nonJson: true },
  502: { on: ['read', 'write', 'query'], status: 502, errorCode: 'ERROR_HTTP_502', message: 'Bad Gateway', nonJson: true },
  503: { on: ['read', 'write', 'query'], status: 503, errorCode: 'ERROR_HTTP_503', message: 'Service Unavailable', nonJson: true },
  504: { on: ['read', 'write', 'query'], status: 504, errorCode: 'ERROR_HTTP_504', message: 'Gateway Timeout', nonJson: true },
};

/** Keys of `errors` the sandbox does not know, for a clear 400. */
export function unknownFaults(body: FaultsBody): string[] {
  return Object.keys(body.errors).filter((key) => !(key in FAULTS));
}

/**
 * Picks at most one fault for a call: each configured fault that applies to `kind` fires with its
 * rate, in the order configured. Pure given `random`.
 */
export function pickFault(errors: Record<string, number>, kind: CallKind, random: () => number): string | undefined {
  for (const [key, rate] of Object.entries(errors)) {
    const fault = FAULTS[key];
    if (!fault || !fault.on.includes(kind) || rate <= 0) continue;
    if (random() < rate) return key;
  }
  return undefined;
}
