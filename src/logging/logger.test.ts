import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../config/environment.ts';
import { createLogger, withRedactedHeaders } from './logger.ts';

/** A stream that keeps what the logger wrote. */
function sink() {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
  return { stream, text: () => chunks.join('') };
}

describe('log formats', () => {
  it('JSON by default: one object a line', () => {
    const out = sink();
    createLogger('info', out.stream).info({ destination: 'salesforce' }, 'destination connected');
    expect(JSON.parse(out.text())).toMatchObject({ level: 30, destination: 'salesforce', msg: 'destination connected', service: 'parley' });
  });

  it('pretty for people, with the same redaction', () => {
    const out = sink();
    createLogger('info', out.stream, 'pretty').warn({ destination: 'salesforce', password: 'hunter2' }, 'destination unreachable');
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/WARN/);
    expect(text).toContain('destination unreachable');
    expect(text).toContain('salesforce');
    expect(text).not.toContain('hunter2');
  });

  it('LOG_FORMAT picks the format; a terminal defaults to pretty; anything else is a problem', () => {
    expect(readEnvironment({}, '/', false).environment.logFormat).toBe('json');
    expect(readEnvironment({}, '/', true).environment.logFormat).toBe('pretty');
    expect(readEnvironment({ LOG_FORMAT: 'json' }, '/', true).environment.logFormat).toBe('json');
    expect(readEnvironment({ LOG_FORMAT: 'pretty' }, '/', false).environment.logFormat).toBe('pretty');
    expect(readEnvironment({ LOG_FORMAT: 'xml' }, '/', false).problems).toEqual([expect.objectContaining({ variable: 'LOG_FORMAT' })]);
  });
});

describe('headers a source declares secret', () => {
  it('are redacted from anything logged with request headers, the generic ones still are', () => {
    const out = sink();
    const logger = withRedactedHeaders(createLogger('info', out.stream), ['x-hub-signature-256', 'x-hub-signature']);
    logger.info({ req: { headers: { 'x-hub-signature-256': 'sha256=abc123', 'x-hub-signature': 'sha1=def456', authorization: 'Bearer k', 'user-agent': 'facebookexternalua' } } }, 'request');
    const line = JSON.parse(out.text()) as { req: { headers: Record<string, string> } };
    expect(line.req.headers).toEqual({ 'x-hub-signature-256': '[redacted]', 'x-hub-signature': '[redacted]', authorization: '[redacted]', 'user-agent': 'facebookexternalua' });
  });

  it('a header no source declares is not redacted by name: redaction comes from the declarations', () => {
    const out = sink();
    createLogger('info', out.stream).info({ req: { headers: { 'x-hub-signature-256': 'sha256=abc123' } } }, 'request');
    expect(out.text()).toContain('sha256=abc123');
  });
});
