import { describe, expect, it } from 'vitest';
import { buildBatchRequest, parseBatchRequest, type BatchRequestPart } from './batch-request.ts';
import { answersPerOperation, buildBatchResponse, parseBatchResponse } from './batch-response.ts';
import { BatchFormatError, boundaryOf } from './multipart.ts';

const crlf = (lines: string[]) => lines.join('\r\n');

// The request of ../shared/reference/sap-c4c.md §4, verbatim with CRLF.
const REFERENCE_REQUEST = crlf([
  '--batch_1',
  'Content-Type: multipart/mixed; boundary=changeset_1',
  '',
  '--changeset_1',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'POST SocialMediaActivityCollection HTTP/1.1',
  'Content-Type: application/json',
  'Accept: application/json',
  'Content-ID: 1',
  '',
  '{"SocialMediaChannelCode":"001","SocialMediaMessageID":"1790001","Text":"hi"}',
  '--changeset_1--',
  '',
  '--batch_1--',
  '',
]);

// The response shape of reference §4 (C4C's ejjeeffe boundaries and padded Content-Length).
const REFERENCE_RESPONSE = crlf([
  '--ejjeeffe0',
  'Content-Type: multipart/mixed; boundary=ejjeeffe1',
  'Content-Length:      796',
  '',
  '--ejjeeffe1',
  'Content-Type: application/http',
  'Content-Length: 676',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 201 Created',
  'Content-Type: application/json',
  "location: https://my000000.crm.ondemand.com/sap/c4c/odata/v1/c4codataapi/SocialMediaActivityCollection('00163E03A0701ED28A8644CF8D83AE76')",
  'dataserviceversion: 2.0',
  '',
  '{"d":{"results":{"__metadata":{"type":"c4codata.SocialMediaActivity"},"ObjectID":"00163E03A0701ED28A8644CF8D83AE76"}}}',
  '--ejjeeffe1--',
  '',
  '--ejjeeffe0--',
  '',
]);

describe('the $batch request codec', () => {
  it('parses the reference request: one change set with a POST, its headers and JSON body', () => {
    const parts = parseBatchRequest('multipart/mixed; boundary=batch_1', REFERENCE_REQUEST);
    expect(parts).toEqual([{ kind: 'changeset', operations: [{
      method: 'POST', url: 'SocialMediaActivityCollection',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-id': '1' },
      body: '{"SocialMediaChannelCode":"001","SocialMediaMessageID":"1790001","Text":"hi"}',
    }] }]);
  });

  it('reads a body written with bare LF and a quoted boundary', () => {
    const parts = parseBatchRequest('multipart/mixed; boundary="batch_1"', REFERENCE_REQUEST.replace(/\r\n/g, '\n'));
    expect(parts[0]).toMatchObject({ kind: 'changeset', operations: [{ method: 'POST' }] });
  });

  it('round-trips a GET and two change sets, with CRLF only and two CRLFs after a GET', () => {
    const parts: BatchRequestPart[] = [
      { kind: 'query', operation: { method: 'GET', url: "SocialMediaActivityCollection?$filter=SocialMediaMessageID%20eq%20'1'", headers: { Accept: 'application/json' } } },
      { kind: 'changeset', operations: [
        { method: 'POST', url: 'SocialMediaUserProfileCollection', headers: { 'Content-Type': 'application/json', 'Content-ID': '1' }, body: '{"SocialMediaUserCategoryCode":"02"}' },
        { method: 'PATCH', url: "ServiceRequestCollection('AB')", headers: { 'Content-Type': 'application/json', 'If-Match': 'W/"x"' }, body: '{"Name":"ü"}' },
      ] },
      { kind: 'changeset', operations: [{ method: 'DELETE', url: "SocialMediaActivityCollection('CD')", headers: {} }] },
    ];
    const built = buildBatchRequest(parts, { id: 'abc' });
    expect(boundaryOf(built.contentType)).toBe('batch_abc');
    expect(built.body.replace(/\r\n/g, '')).not.toContain('\n');
    expect(built.body).toContain("GET SocialMediaActivityCollection?$filter=SocialMediaMessageID%20eq%20'1' HTTP/1.1\r\nAccept: application/json\r\n\r\n");
    const parsed = parseBatchRequest(built.contentType, built.body);
    expect(parsed.map((p) => (p.kind === 'query' ? p.operation.method : p.operations.map((o) => o.method)))).toEqual(['GET', ['POST', 'PATCH'], ['DELETE']]);
    expect(parsed[1]).toMatchObject({ operations: [{ body: '{"SocialMediaUserCategoryCode":"02"}' }, { headers: { 'if-match': 'W/"x"' }, body: '{"Name":"ü"}' }] });
    expect((parsed[2] as { operations: Array<{ body?: string }> }).operations[0]!.body).toBeUndefined();
  });

  it('refuses malformed batches', () => {
    expect(() => parseBatchRequest('application/json', REFERENCE_REQUEST)).toThrow(BatchFormatError);
    expect(() => parseBatchRequest('multipart/mixed', REFERENCE_REQUEST)).toThrow(BatchFormatError);
    expect(() => parseBatchRequest('multipart/mixed; boundary=batch_1', REFERENCE_REQUEST.replace('--batch_1--', ''))).toThrow(BatchFormatError);
    expect(() => parseBatchRequest('multipart/mixed; boundary=batch_1', REFERENCE_REQUEST.replace('POST SocialMediaActivityCollection HTTP/1.1', 'POST'))).toThrow(BatchFormatError);
    const getInChangeset = REFERENCE_REQUEST.replace('POST SocialMediaActivityCollection', 'GET SocialMediaActivityCollection');
    expect(() => parseBatchRequest('multipart/mixed; boundary=batch_1', getInChangeset)).toThrow(/change set cannot hold a GET/);
  });
});

// The shape of a captured C4C answer (light-odata tests/resources/batch/complex-multipart.response):
// LF line ends, padded Content-Length, `__count` before `results`, every change set on `ejjeeffe1`.
const CAPTURED_SHAPE = [
  '--ejjeeffe0',
  'Content-Type: application/http',
  'Content-Length: 300',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 200 OK',
  'Content-Type: application/json',
  'cache-control: no-cache, no-store',
  'dataserviceversion: 2.0',
  '',
  '{"d":{"__count":"1211","results":[{"__metadata":{"uri":"https://my000000.crm.ondemand.com/sap/c4c/odata/v1/c4codataapi/ServiceRequestCollection(\'00163E20C9511ED7B993B663E65F9FA3\')","type":"c4codata.ServiceRequest"},"ObjectID":"00163E20C9511ED7B993B663E65F9FA3"}]}}',
  '--ejjeeffe0',
  'Content-Type: multipart/mixed; boundary=ejjeeffe1',
  'Content-Length:       796',
  '',
  '--ejjeeffe1',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 201 Created',
  'Content-Type: application/json',
  "location: https://my000000.crm.ondemand.com/sap/c4c/odata/v1/c4codataapi/ServiceRequestCollection('00163E457AE21EE89F9B22B7AE488EE9')",
  '',
  '{"d":{"results":{"Name":"测试","ObjectID":"00163E457AE21EE89F9B22B7AE488EE9"}}}',
  '--ejjeeffe1--',
  '',
  '--ejjeeffe0',
  'Content-Type: multipart/mixed; boundary=ejjeeffe1',
  'Content-Length:       795',
  '',
  '--ejjeeffe1',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 204 No Content',
  'dataserviceversion: 2.0',
  '',
  '',
  '--ejjeeffe1--',
  '',
  '--ejjeeffe0--',
  '',
].join('\n');

describe('the $batch response codec', () => {
  it('reads a captured-shape C4C answer: LF lines, a retrieve with __count, two change sets on the same inner boundary', () => {
    const parts = parseBatchResponse('multipart/mixed; boundary=ejjeeffe0', CAPTURED_SHAPE);
    expect(parts.map((p) => (p.kind === 'single' ? p.response.status : p.responses.map((r) => r.status)))).toEqual([200, [201], [204]]);
    expect(JSON.parse((parts[0] as { response: { body: string } }).response.body).d.__count).toBe('1211');
    expect(JSON.parse((parts[1] as { responses: Array<{ body: string }> }).responses[0]!.body).d.results.Name).toBe('测试');
    expect((parts[2] as { responses: Array<{ body: string }> }).responses[0]!.body).toBe('');
  });

  it('parses the reference response: a change set with a 201 and the d/results entity', () => {
    const parts = parseBatchResponse('multipart/mixed; boundary=ejjeeffe0', REFERENCE_RESPONSE);
    expect(parts).toHaveLength(1);
    const changeset = parts[0] as { kind: 'changeset'; responses: Array<{ status: number; headers: Record<string, string>; body: string }> };
    expect(changeset.kind).toBe('changeset');
    expect(changeset.responses[0]!.status).toBe(201);
    expect(changeset.responses[0]!.headers.location).toMatch(/SocialMediaActivityCollection\('00163E03A0701ED28A8644CF8D83AE76'\)$/);
    expect(JSON.parse(changeset.responses[0]!.body).d.results.ObjectID).toBe('00163E03A0701ED28A8644CF8D83AE76');
  });

  it('builds what it parses, with C4C boundaries and exact Content-Length per part', () => {
    const body = '{"d":{"results":[]}}';
    const built = buildBatchResponse([
      { kind: 'single', response: { status: 200, headers: { 'Content-Type': 'application/json' }, body } },
      { kind: 'changeset', responses: [{ status: 201, headers: { location: 'x' }, body: '{"d":{"results":{"Text":"é"}}}' }, { status: 204, headers: {}, body: '' }] },
      { kind: 'single', response: { status: 400, headers: { 'Content-Type': 'application/json' }, body: '{"error":{}}' } },
    ]);
    expect(built.contentType).toBe('multipart/mixed; boundary=ejjeeffe0');
    expect(built.body).toContain('boundary=ejjeeffe1');
    expect(built.body).toContain('HTTP/1.1 204 No Content\r\n');
    const parsed = parseBatchResponse(built.contentType, built.body);
    expect(parsed.map((p) => (p.kind === 'single' ? p.response.status : p.responses.map((r) => r.status)))).toEqual([200, [201, 204], 400]);
    expect(parsed[0]).toMatchObject({ response: { body } });
    const firstMessage = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n${body}`;
    expect(built.body).toContain(`Content-Length: ${Buffer.byteLength(firstMessage.replace('content-type', 'Content-Type'))}`);
  });

  it('gives a failed change set\'s single error part to each of its operations, by part order', () => {
    const request: BatchRequestPart[] = [
      { kind: 'changeset', operations: [{ method: 'POST', url: 'A', headers: {} }, { method: 'POST', url: 'B', headers: {} }] },
      { kind: 'changeset', operations: [{ method: 'POST', url: 'C', headers: {} }] },
      { kind: 'query', operation: { method: 'GET', url: 'D', headers: {} } },
    ];
    const error = { status: 400, headers: {}, body: '{"error":{"code":"","message":{"lang":"en","value":"bad"}}}' };
    const answers = answersPerOperation(request, [
      { kind: 'single', response: error },
      { kind: 'changeset', responses: [{ status: 201, headers: {}, body: '' }] },
      { kind: 'single', response: { status: 200, headers: {}, body: '' } },
    ]);
    expect(answers.map((a) => a.map((r) => r.status))).toEqual([[400, 400], [201], [200]]);
    expect(() => answersPerOperation(request, [])).toThrow(BatchFormatError);
    expect(() => answersPerOperation(request.slice(1, 2), [{ kind: 'changeset', responses: [] }])).toThrow(BatchFormatError);
  });
});
