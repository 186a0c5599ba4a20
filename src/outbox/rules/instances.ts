/**
 * Several instances share one store: each says it is alive every `HEARTBEAT_MS`; one silent for
 * `SILENT_AFTER_MS` is taken for dead (a SIGKILL, a lost host), and a survivor gives its leases back
 * at once (`Store.reapInstances`) rather than after the lease time (60 s by default). Three missed
 * heartbeats: a busy event loop or a slow commit must not make a live instance look dead, since
 * taking its leases while it still sends could write a record twice (its sent writes are looked up).
 */
export const HEARTBEAT_MS = 1_500;
/** How long an instance may stay silent before it is taken for dead, ms. */
export const SILENT_AFTER_MS = 3 * HEARTBEAT_MS;

/** Whether an instance last heard from at `lastSeenMs` is taken for dead at `nowMs`. */
export function isInstanceSilent(lastSeenMs: number, nowMs: number, silentAfterMs = SILENT_AFTER_MS): boolean {
  return nowMs - lastSeenMs > silentAfterMs;
}
