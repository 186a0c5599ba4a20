import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LazyChildLogger } from './lazy-child.ts';

function capture(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const parent = pino({ level }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
  return { parent, lines };
}

describe('lazy child logger', () => {
  it('logs with its bindings, as a pino child would', () => {
    const { parent, lines } = capture();
    new LazyChildLogger(parent, { reqId: 'req-7' }).info({ status: 200 }, 'request');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'req-7', status: 200, msg: 'request' })]);
  });

  it('makes no child while nothing is logged at an enabled level', () => {
    const { parent, lines } = capture('warn');
    let children = 0;
    const counting = Object.assign(Object.create(parent) as typeof parent, { child: (...a: Parameters<typeof parent.child>) => { children++; return parent.child(...a); } });
    const lazy = new LazyChildLogger(counting, { reqId: 'r' });
    lazy.info('dropped');
    lazy.debug('dropped');
    expect(children).toBe(0);
    lazy.warn('kept');
    expect(children).toBe(1);
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });

  it('honours a level set on it', () => {
    const { parent, lines } = capture('info');
    const lazy = new LazyChildLogger(parent, {});
    lazy.level = 'error';
    lazy.warn('dropped');
    lazy.error('kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });
});
