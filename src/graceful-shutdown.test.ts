import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleShutdown, type ShutdownReporter } from './graceful-shutdown.ts';

describe('handleShutdown', () => {
  let events: EventEmitter;
  let exit: ReturnType<typeof vi.fn<(code: number) => void>>;
  let lines: Array<{ level: string; message: string; fields: Record<string, unknown> }>;
  let reporter: ShutdownReporter;

  beforeEach(() => {
    vi.useFakeTimers();
    events = new EventEmitter();
    exit = vi.fn<(code: number) => void>();
    lines = [];
    const at = (level: string) => (fields: Record<string, unknown>, message: string) => { lines.push({ level, message, fields }); };
    reporter = { info: at('info'), warn: at('warn'), error: at('error') };
  });
  afterEach(() => { vi.useRealTimers(); });

  /** A stop that ends when the test says so. */
  function controlledStop() {
    let finish!: () => void;
    let fail!: (error: Error) => void;
    const stop = vi.fn(() => new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; }));
    return { stop, finish: () => finish(), fail: (error: Error) => fail(error) };
  }

  it('runs one shutdown however many signals come, and exits 0 once it is done', async () => {
    const shutdown = handleShutdown({ deadlineMs: 10_000, reporter, events, exit });
    const { stop, finish } = controlledStop();
    shutdown.onStop(stop);
    events.emit('SIGTERM', 'SIGTERM');
    events.emit('SIGTERM', 'SIGTERM');
    events.emit('SIGINT', 'SIGINT');
    await vi.advanceTimersByTimeAsync(9_000);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    expect(lines.filter((l) => l.message === 'stopping')).toHaveLength(1);
    const repeats = lines.filter((l) => /shutdown is in progress/.test(l.message));
    expect(repeats.map((l) => [l.level, l.fields.signal])).toEqual([['info', 'SIGTERM'], ['info', 'SIGINT']]);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(exit.mock.calls).toEqual([[0]]);
    expect(lines.at(-1)).toMatchObject({ message: 'stopped', fields: { exitCode: 0 } });
    // The deadline was cleared: nothing exits a second time.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('a signal during start-up stops the service once start-up hands over its stop', async () => {
    const shutdown = handleShutdown({ deadlineMs: 10_000, reporter, events, exit });
    events.emit('SIGINT', 'SIGINT');
    expect(lines[0]?.message).toBe('stopping once start-up is done');
    await vi.advanceTimersByTimeAsync(3_000);
    const logged: string[] = [];
    shutdown.useLogger({ ...reporter, info: (fields, message) => { logged.push(`${message} ${JSON.stringify(fields)}`); } });
    // The service's log says so too, once it exists.
    expect(logged).toEqual(['stopping {"signal":"SIGINT","duringStartUp":true}']);
    // A signal while start-up is still giving way is news, not a second shutdown.
    events.emit('SIGTERM', 'SIGTERM');
    expect(logged.slice(1)).toEqual(['SIGTERM while a shutdown is in progress: it goes on (at most 7 s more) {"signal":"SIGTERM"}']);
    const { stop, finish } = controlledStop();
    shutdown.onStop(stop);
    expect(stop).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(exit.mock.calls).toEqual([[0]]);
  });

  it('only the deadline forces the exit, with status 1', async () => {
    const shutdown = handleShutdown({ deadlineMs: 10_000, reporter, events, exit });
    shutdown.onStop(controlledStop().stop);
    events.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(9_999);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(exit.mock.calls).toEqual([[1]]);
    expect(lines.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/did not finish within 10 s/) });
  });

  it('exits 1 when stopping fails, or when an uncaught error asked for the stop', async () => {
    const failing = controlledStop();
    handleShutdown({ deadlineMs: 10_000, reporter, events, exit }).onStop(failing.stop);
    events.emit('SIGTERM', 'SIGTERM');
    failing.fail(new Error('close failed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(exit.mock.calls).toEqual([[1]]);

    const other = new EventEmitter();
    const exit2 = vi.fn<(code: number) => void>();
    const stopped = controlledStop();
    handleShutdown({ deadlineMs: 10_000, reporter, events: other, exit: exit2 }).onStop(stopped.stop);
    other.emit('uncaughtException', new Error('boom'));
    other.emit('SIGTERM', 'SIGTERM');
    expect(stopped.stop).toHaveBeenCalledTimes(1);
    stopped.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(exit2.mock.calls).toEqual([[1]]);
  });

  it('uninstall removes every handler', () => {
    handleShutdown({ deadlineMs: 10_000, reporter, events, exit }).uninstall();
    for (const name of ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection']) expect(events.listenerCount(name), name).toBe(0);
  });
});
