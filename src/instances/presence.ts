import type { InstanceRole } from '../config/schema.ts';
import type { Logger } from '../logging/logger.ts';
import { HEARTBEAT_MS, SILENT_AFTER_MS } from '../outbox/rules/index.ts';
import type { Store } from '../store/store.ts';

/** What `startPresence` needs: the store shared with other instances and this instance's name. */
export interface PresenceOptions {
  store: Store;
  instance: string;
  roles: readonly InstanceRole[];
  now: () => Date;
  logger: Logger;
  /** Called after a silent instance's leases were given back (a dispatcher claims them now). */
  onReaped?: (reaped: Array<{ instance: string; released: number }>) => void;
  /** Called every heartbeat: a poll for work another instance may have queued (wake-ups can be lost). */
  onTick?: () => void;
  /** Heartbeat period, ms (default `HEARTBEAT_MS`). */
  heartbeatMs?: number;
  /** Silence after which another instance is taken for dead, ms (default `SILENT_AFTER_MS`). */
  silentAfterMs?: number;
}

/**
 * Keeps this instance known to the others sharing the store: a heartbeat every `heartbeatMs`;
 * a dispatcher instance also reaps the instances silent for `silentAfterMs` (a SIGKILL, a lost
 * host), giving their leases back at once, so their work is taken over within seconds instead of
 * a lease time. A failed heartbeat (the database restarting) is logged once per outage and retried.
 * @returns a function that stops it
 */
export function startPresence(options: PresenceOptions): () => void {
  const { store, instance, roles, now, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const silentAfterMs = options.silentAfterMs ?? SILENT_AFTER_MS;
  let failing = false;
  let running = false;
  const beat = async () => {
    if (running) return;
    running = true;
    try {
      const at = now();
      await store.heartbeat(instance, { now: at, roles: [...roles] });
      if (roles.includes('dispatcher')) {
        const reaped = await store.reapInstances({ silentSince: new Date(at.getTime() - silentAfterMs), now: at, self: instance });
        for (const r of reaped) logger.warn({ instance: r.instance, released: r.released }, 'an instance went silent: its leases were given back to the outbox');
        if (reaped.length > 0) options.onReaped?.(reaped);
      }
      if (failing) logger.info({ instance }, 'heartbeat recorded again');
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err, instance }, 'heartbeat failed; retrying');
      failing = true;
    } finally {
      running = false;
    }
    options.onTick?.();
  };
  void beat();
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  return () => clearInterval(timer);
}
