import { describe, expect, it } from 'vitest';
import { boundaryOf, decodeBatchRequest, decodeBatchResponse, encodeBatchRequest, encodeBatchResponse, MultipartError, splitMultipart } from './multipart.ts';

// A batch answer shaped as Microsoft's "Execute batch operations using the Web API" shows them:
// LF line ends, a change set response with Content-IDs, then a plain response with a JSON body.
const ANSWER = [
  '--batchresponse_aaa',
  'Content-Type: multipart/mixed; boundary=changesetresponse_bbb',
  '',
  '--changesetresponse_bbb',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 1',
  '',
  'HTTP/1.1 204 No Content',
  'OData-Version: 4.0',
  'OData-EntityId: https://org.example/api/data/v9.2/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)',
  '',
  '',
  '--changesetresponse_bbb--',
  '--batchresponse_aaa',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 400 Bad Request',
  'Content-Type: application/json; odata.metadata=minimal',
  '',
  '{"error":{"code":"0x80044331","message":"A validation error occurred."}}',
  '--batchresponse_aaa--',
  '',
].join('\n');

describe('the $batch codec', () => {
  it('reads a batch answer with a change set, in order, change set flattened', () => {
    const items = decodeBatchResponse(ANSWER, 'multipart/mixed; boundary=batchresponse_aaa');
    expect(items).toEqual([
      { status: 204, contentId: '1', body: '', headers: { 'odata-version': '4.0', 'odata-entityid': 'https://org.example/api/data/v9.2/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)' } },
      { status: 400, body: '{"error":{"code":"0x80044331","message":"A validation error occurred."}}', headers: { 'content-type': 'application/json; odata.metadata=minimal' } },
    ]);
  });

  it('writes a request the decoder reads back: plain requests and a change set with Content-IDs, CRLF line ends', () => {
    const body = encodeBatchRequest('batch_x1', [
      { request: { method: 'PATCH', url: "https://org.example/api/data/v9.2/socialprofiles(uniqueprofileid='x%3A1')", headers: { prefer: 'return=representation' }, body: '{"profilename":"@a"}' } },
      { changeset: [
        { method: 'POST', url: '/api/data/v9.2/contacts', contentId: '1', body: '{"lastname":"Doe"}' },
        { method: 'DELETE', url: '$1', contentId: '2' },
      ] },
    ]);
    expect(body).toContain('\r\n--batch_x1--\r\n');
    expect(body.replace(/\r\n/g, '')).not.toContain('\n');
    const entries = decodeBatchRequest(body, 'multipart/mixed; boundary="batch_x1"');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual({ request: { startLine: "PATCH https://org.example/api/data/v9.2/socialprofiles(uniqueprofileid='x%3A1') HTTP/1.1", headers: { prefer: 'return=representation' }, body: '{"profilename":"@a"}' } });
    const changeset = (entries[1] as { changeset: Array<{ startLine: string; contentId?: string; body: string }> }).changeset;
    expect(changeset.map((r) => [r.startLine, r.contentId, r.body])).toEqual([
      ['POST /api/data/v9.2/contacts HTTP/1.1', '1', '{"lastname":"Doe"}'],
      ['DELETE $1 HTTP/1.1', '2', ''],
    ]);
  });

  it('writes a response the decoder reads back, a change set nested in its own part', () => {
    const body = encodeBatchResponse('batchresponse_r1', [
      { changeset: [{ status: 201, contentId: '1', headers: { 'content-type': 'application/json' }, body: '{"contactid":"c1"}' }] },
      { request: { status: 429, headers: { 'retry-after': '3' }, body: '{"error":{"code":"0x80072322","message":"m"}}' } },
    ]);
    const items = decodeBatchResponse(body, 'multipart/mixed; boundary=batchresponse_r1');
    expect(items.map((i) => [i.status, i.contentId, i.headers['retry-after'], i.body])).toEqual([
      [201, '1', undefined, '{"contactid":"c1"}'],
      [429, undefined, '3', '{"error":{"code":"0x80072322","message":"m"}}'],
    ]);
  });

  it('keeps a body line that merely starts like a delimiter, and ignores preamble and epilogue', () => {
    const parts = splitMultipart('preamble\r\n--b\r\nContent-Type: text/plain\r\n\r\n--bx is not the delimiter\r\n--b--\r\nepilogue', 'b');
    expect(parts).toEqual([{ headers: { 'content-type': 'text/plain' }, body: '--bx is not the delimiter' }]);
  });

  it('refuses a body without its closing delimiter, a part that is not application/http, and a Content-Type without a boundary', () => {
    expect(() => splitMultipart('--b\r\n\r\nx\r\n', 'b')).toThrow(MultipartError);
    expect(() => decodeBatchRequest('--b\r\nContent-Type: text/plain\r\n\r\nGET x HTTP/1.1\r\n--b--', 'multipart/mixed;boundary=b')).toThrow(/application\/http/);
    expect(() => boundaryOf('application/json')).toThrow(MultipartError);
    expect(boundaryOf('multipart/mixed; boundary="batch_1"')).toBe('batch_1');
    expect(boundaryOf('multipart/mixed;boundary=batch_2; charset=utf-8')).toBe('batch_2');
  });

  it('refuses a change set inside a change set', () => {
    const nested = ['--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: multipart/mixed; boundary=d', '', '--d--', '--c--', '--b--'].join('\r\n');
    expect(() => decodeBatchRequest(nested, 'multipart/mixed; boundary=b')).toThrow(/change set/);
  });
});
