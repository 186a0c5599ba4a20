import type { InstanceRecord } from '../store.ts';
import { releaseLeasesOf } from './record-outcomes.ts';
import type { Statements } from './statements.ts';

// The instances sharing the store, as the SQLite store keeps them (Store.heartbeat, reapInstances,
// listInstances). An embedded database has one process, but keeps the same record as PostgreSQL.

/** Records that `instance` is alive at `now`, with its roles. Inside the caller's commit. */
export function recordHeartbeat(s: Statements, instance: string, options: { now: Date; roles: string[] }): void {
  s.heartbeat.run(instance, JSON.stringify(options.roles), options.now.getTime());
}

/** The instances other than `self` silent since before `silentSince`. */
export function silentInstances(s: Statements, options: { silentSince: Date; self: string }): string[] {
  return (s.silentInstances.all(options.silentSince.getTime(), options.self) as Array<{ instance: string }>).map((r) => r.instance);
}

/** Forgets `instance` and gives back its leases (as releaseLeases), inside the caller's transaction. */
export function reapInstance(s: Statements, instance: string, now: Date): { instance: string; released: number } {
  s.forgetInstance.run(instance);
  return { instance, released: releaseLeasesOf(s, instance, now.getTime()) };
}

/** Every instance's last heartbeat, most recent first. */
export function listInstances(s: Statements): InstanceRecord[] {
  const rows = s.listInstances.all() as Array<{ instance: string; roles: string; last_seen: number }>;
  return rows.map((r) => ({ instance: r.instance, roles: JSON.parse(r.roles) as string[], lastSeen: new Date(r.last_seen).toISOString() }));
}
