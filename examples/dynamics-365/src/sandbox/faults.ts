import type { FaultCatalog, FaultRuleDefaults } from 'parley/sdk';

/** What a call is, for deciding which faults it can get. */
export type CallKind = 'read' | 'write';

/**
 * The faults `PUT /sandbox/dynamics-365/_faults` can inject, by Dataverse error code or HTTP
 * status. Service protection errors and their messages: "Service protection API limits"
 * (learn.microsoft.com/power-apps/developer/data-platform/api-limits), always 429 with `Retry-After`.
 * `0x80040237` ("Cannot insert duplicate key", Troubleshoot Dataverse client errors) hits each
 * write request of a batch, as two writers racing on one alternate key do. `401` is a token the
 * environment no longer takes (an empty body, as the Web API answers it).
 */
export const FAULTS: FaultCatalog<CallKind> = {
  '0x80072322': { on: ['read', 'write'], status: 429, errorCode: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' },
  '0x80072321': { on: ['read', 'write'], status: 429, errorCode: '0x80072321', message: 'Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.' },
  '0x80072326': { on: ['read', 'write'], status: 429, errorCode: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 52.' },
  '0x80040237': { on: ['write'], status: 412, errorCode: '0x80040237', message: 'Cannot insert duplicate key.', perRecord: true },
  401: { on: ['read', 'write'], status: 401, errorCode: 'HTTP_401', message: '' },
  500: { on: ['read', 'write'], status: 500, errorCode: '0x80040216', message: 'An unexpected error occurred.' },
  // Gateways in front of the environment answer with pages, not OData errors [unconfirmed].
  502: { on: ['read', 'write'], status: 502, errorCode: 'HTTP_502', message: 'Bad Gateway', nonJson: true },
  503: { on: ['read', 'write'], status: 503, errorCode: 'HTTP_503', message: 'Service Unavailable', nonJson: true },
  504: { on: ['read', 'write'], status: 504, errorCode: 'HTTP_504', message: 'Gateway Timeout', nonJson: true },
};

/**
 * `_faults.rules` in Dataverse's words: a rule refuses a record as a synchronous plug-in or a
 * business rule of the org does (`0x80040265`, IsvAborted), for that request only.
 */
export const RULES: FaultRuleDefaults = {
  errorCode: '0x80040265',
  errorCodePattern: /^0x[0-9A-Fa-f]{8}$/,
  message: 'A plug-in of the environment refused this record.',
};

/** The answer to the spent quota the kit simulates: the requests limit, 429. */
export const LIMIT_ERROR = FAULTS['0x80072322']!;
