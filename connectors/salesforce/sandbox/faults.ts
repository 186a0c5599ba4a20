import type { FaultCatalog, FaultRuleDefaults } from '../../../src/connectors/index.ts';

/**
 * The Salesforce faults `PUT /sandbox/salesforce/_faults` can inject (the document itself is the
 * sandbox kit's: src/connectors/sandbox-kit/faults.ts). `errors` keys are Salesforce error codes or
 * HTTP statuses; each is injected only where the real API can return it (`UNABLE_TO_LOCK_ROW` on
 * writes). Bodies: REST API Developer Guide, "Status Codes and Error Responses".
 */

/** What a call is, for deciding which faults it can get. */
export type CallKind = 'read' | 'write' | 'query';

/** Faults this sandbox knows, with where they can happen and how they are answered. */
export const FAULTS: FaultCatalog<CallKind> = {
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

/**
 * `_faults.rules` in Salesforce's words: a rule refuses a record as an org's validation rule or
 * trigger does, `{ "object": "SocialPost", "field": "ExternalPostId", "equals": "42" }` answering
 * FIELD_CUSTOM_VALIDATION_EXCEPTION for that record only; the rest of the call goes through.
 */
export const RULES: FaultRuleDefaults = {
  errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  errorCodePattern: /^[A-Z_]+$/,
  message: 'A validation rule of the org refused this record',
};

/** Salesforce's answer to a spent `DailyApiRequests` quota (403). */
export const LIMIT_ERROR = { status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' } as const;
