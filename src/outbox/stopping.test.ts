import { describe, expect, it } from 'vitest';
import { STOPPING, createStopping } from './stopping.ts';

describe('a dispatcher\'s stop', () => {
  it('lets work finish while not stopping', async () => {
    const stopping = createStopping();
    expect(await stopping.until(Promise.resolve('connected'))).toBe('connected');
    await expect(stopping.until(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(stopping.stopped).toBe(false);
  });

  it('cuts short a wait in progress when the stop begins', async () => {
    const stopping = createStopping();
    const waiting = stopping.until(new Promise<never>(() => undefined));
    stopping.stop();
    await expect(waiting).rejects.toBe(STOPPING);
    expect(stopping.stopped).toBe(true);
  });

  it('cuts short a wait begun after the stop, and drops the work\'s late failure', async () => {
    const stopping = createStopping();
    stopping.stop();
    stopping.stop();
    let fail!: (error: Error) => void;
    const work = new Promise<string>((_, reject) => { fail = reject; });
    await expect(stopping.until(work)).rejects.toBe(STOPPING);
    // Were the late failure not caught, vitest would report an unhandled rejection.
    fail(new Error('late'));
    await expect(work).rejects.toThrow('late');
  });
});
