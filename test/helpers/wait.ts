/**
 * Polls `check` every 100 ms until it returns something other than undefined, and returns that.
 * A wait on a condition with a deadline, never a sleep that passes by luck.
 * @throws Error naming `what` after `timeoutMs` (default 20 s)
 */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
