import { describe, expect, it } from 'vitest';
import { classifySalesforceError, outcomeUnknown, vendorError } from './classify.ts';

// One test per row of the reference's classification table (salesforce.md, "Classification table"),
// with errors shaped as jsforce throws them or as sObject Collections reports them per record.
const jsforceError = (errorCode: string, message = '', fields?: string[]) => Object.assign(new Error(message), { name: errorCode, errorCode, ...(fields ? { data: { fields } } : {}) });
const oauthError = (error: string, description: string) => Object.assign(new Error(description), { name: error });
const recordError = (statusCode: string, message = '', fields: string[] = []) => ({ statusCode, message, fields });
const socketError = (code: string, message = 'socket failure') => Object.assign(new Error(message), { code });

describe('classifySalesforceError: the reference table, row by row', () => {
  it('401 INVALID_SESSION_ID: retryable (jsforce re-logs in and replays once)', () => {
    expect(classifySalesforceError(jsforceError('INVALID_SESSION_ID', 'Session expired or invalid'))).toEqual({ kind: 'retryable' });
  });
  it('a re-login that keeps failing: permanent, configuration', () => {
    expect(classifySalesforceError(new Error('Unable to refresh session due to: invalid client credentials'))).toEqual({ kind: 'permanent', scope: 'config' });
  });
  it.each(['invalid_grant', 'invalid_client', 'invalid_client_id'])('OAuth %s: permanent, configuration', (code) => {
    expect(classifySalesforceError(oauthError(code, 'authentication failure'))).toEqual({ kind: 'permanent', scope: 'config' });
  });
  it('403 REQUEST_LIMIT_EXCEEDED TotalRequests: rate-limited for the long wait', () => {
    expect(classifySalesforceError(jsforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))).toEqual({ kind: 'rate-limited', retryAfterMs: 15 * 60_000 });
  });
  it('403 REQUEST_LIMIT_EXCEEDED ConcurrentRequests: rate-limited for seconds', () => {
    expect(classifySalesforceError(jsforceError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentRequests (Concurrent API Requests) Limit exceeded'))).toEqual({ kind: 'rate-limited', retryAfterMs: 5_000 });
  });
  it('the waits are settings', () => {
    expect(classifySalesforceError(jsforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), {}, { totalRequestsMs: 60_000, concurrentRequestsMs: 1 })).toEqual({ kind: 'rate-limited', retryAfterMs: 60_000 });
  });
  it.each(['SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'ERROR_HTTP_500', 'ERROR_HTTP_502', 'ERROR_HTTP_503', 'ERROR_HTTP_504'])('%s: retryable', (code) => {
    expect(classifySalesforceError(jsforceError(code))).toEqual({ kind: 'retryable' });
  });
  it.each(['ERROR_HTTP_420', 'ERROR_HTTP_429'])('%s: rate-limited, short', (code) => {
    expect(classifySalesforceError(jsforceError(code))).toEqual({ kind: 'rate-limited', retryAfterMs: 5_000 });
  });
  it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED'])('socket error %s: retryable', (code) => {
    expect(classifySalesforceError(socketError(code))).toEqual({ kind: 'retryable' });
  });
  it.each(['FEATURENOTENABLED', 'INVALIDJOB', 'InvalidBatch'])('Bulk API 2.0 %s (no hardDelete permission, a job or columns the org refuses): permanent, configuration', (code) => {
    expect(classifySalesforceError(jsforceError(code, 'hardDelete operation requires special user profile permission, please contact your system administrator'))).toEqual({ kind: 'permanent', scope: 'config' });
  });
  it.each(['INVALIDJOBSTATE', 'INVALIDCSV'])('Bulk API 2.0 %s: permanent, a bug in Parley\'s requests', (code) => {
    expect(classifySalesforceError(jsforceError(code))).toEqual({ kind: 'permanent', scope: 'bug' });
  });
  it('UNABLE_TO_LOCK_ROW (per record): retryable', () => {
    expect(classifySalesforceError(recordError('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record'))).toEqual({ kind: 'retryable' });
  });
  it.each(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'PROCESSING_HALTED'])('%s: retryable', (code) => {
    expect(classifySalesforceError(recordError(code))).toEqual({ kind: 'retryable' });
  });
  it('DUPLICATE_VALUE on the upsert key: retryable (an upsert race; the retry updates)', () => {
    expect(classifySalesforceError(recordError('DUPLICATE_VALUE', 'duplicate value found: Key__c duplicates value on record with id: 001', ['Key__c']), { matchKey: 'Key__c' })).toEqual({ kind: 'retryable' });
  });
  it('DUPLICATE_VALUE on another unique field: permanent, record', () => {
    expect(classifySalesforceError(recordError('DUPLICATE_VALUE', 'duplicate value found: Email__c', ['Email__c']), { matchKey: 'Key__c' })).toEqual({ kind: 'permanent', scope: 'record' });
  });
  it('300 MULTIPLE_CHOICES: permanent, data (duplicate keys in the org)', () => {
    expect(classifySalesforceError(jsforceError('MULTIPLE_CHOICES'))).toEqual({ kind: 'permanent', scope: 'data' });
  });
  it('EXCEEDED_ID_LIMIT: permanent, a bug in Parley (batches are at most 200)', () => {
    expect(classifySalesforceError(jsforceError('EXCEEDED_ID_LIMIT'))).toEqual({ kind: 'permanent', scope: 'bug' });
  });
  it.each(['REQUIRED_FIELD_MISSING', 'STRING_TOO_LONG', 'INVALID_FIELD', 'MALFORMED_ID', 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'DUPLICATES_DETECTED', 'ENTITY_IS_DELETED', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'INVALID_CROSS_REFERENCE_KEY', 'JSON_PARSER_ERROR'])('%s: permanent, record', (code) => {
    expect(classifySalesforceError(recordError(code))).toEqual({ kind: 'permanent', scope: 'record' });
  });
  it('404 NOT_FOUND: permanent, configuration (fix the mapping)', () => {
    expect(classifySalesforceError(jsforceError('NOT_FOUND', 'The requested resource does not exist'))).toEqual({ kind: 'permanent', scope: 'config' });
  });
  it.each(['API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED', 'INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY'])('%s: permanent, configuration', (code) => {
    expect(classifySalesforceError(jsforceError(code))).toEqual({ kind: 'permanent', scope: 'config' });
  });
  it('a JavaScript TypeError: a bug, never retried', () => {
    expect(classifySalesforceError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({ kind: 'permanent', scope: 'bug' });
  });
});

describe('vendorError and outcomeUnknown', () => {
  it('keeps the vendor code, message, fields and the HTTP status of a non-JSON answer', () => {
    expect(vendorError(recordError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [Name]', ['Name']))).toEqual({ code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] });
    expect(vendorError(jsforceError('ERROR_HTTP_503', '<html>…</html>'))).toMatchObject({ code: 'ERROR_HTTP_503', httpStatus: 503 });
    expect(vendorError(oauthError('invalid_grant', 'invalid assertion'))).toEqual({ code: 'invalid_grant', message: 'invalid assertion' });
  });
  it('a lost connection leaves the outcome unknown; a refused one does not', () => {
    expect(outcomeUnknown(socketError('ECONNRESET'))).toBe(true);
    expect(outcomeUnknown(socketError('ECONNREFUSED'))).toBe(false);
    expect(outcomeUnknown(jsforceError('SERVER_UNAVAILABLE'))).toBe(false);
  });
});
