import type { InstanceRecord } from '../store.ts';
import type { Database, Tx } from './database.ts';

/** `markSent`: only this owner's current leases; one statement, committed before it resolves. */
export async function markSent(db: Database, ids: string[], options: { owner: string; now: Date }): Promise<number> {
  if (ids.length === 0) return 0;
  const now = options.now.getTime();
  const { rowCount } = await db.query(`UPDATE operations SET sent_at = $1, updated_at = $1
    WHERE id = ANY($2::text[]) AND state = 'leased' AND lease_owner = $3`, [now, ids, options.owner]);
  return rowCount ?? 0;
}

/**
 * Gives back what `owner` holds leased, due at `now`, inside the caller's transaction. The
 * outcome_unknown expression is `unknownOnRelease` (src/outbox/rules/lease.ts) in SQL: unknown if
 * the write went out (sent_at) or was unknown already; a lease never sent keeps what it had.
 */
async function giveBack(tx: Tx, owner: string, now: number): Promise<number> {
  const { rowCount } = await tx.query(`UPDATE operations SET state = 'pending', next_attempt_at = $1,
      outcome_unknown = (sent_at IS NOT NULL OR outcome_unknown), sent_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = $1
    WHERE state = 'leased' AND lease_owner = $2`, [now, owner]);
  const released = rowCount ?? 0;
  if (released > 0) tx.wake('operations');
  return released;
}

/** `releaseLeases`, in ONE transaction. */
export async function releaseLeases(db: Database, owner: string, options: { now: Date }): Promise<number> {
  return db.transaction((tx) => giveBack(tx, owner, options.now.getTime()));
}

/** `heartbeat`: registers the instance or refreshes it. */
export async function heartbeat(db: Database, instance: string, options: { now: Date; roles: string[] }): Promise<void> {
  await db.query(`INSERT INTO instances (instance, roles, last_seen) VALUES ($1, $2, $3)
    ON CONFLICT (instance) DO UPDATE SET roles = excluded.roles, last_seen = excluded.last_seen`, [instance, JSON.stringify(options.roles), options.now.getTime()]);
}

/**
 * `reapInstances`: one silent instance per transaction, its row locked with SKIP LOCKED so two
 * survivors reaping at once each take a different one (and never both release the same leases),
 * its leases given back and its row deleted, until none is left.
 */
export async function reapInstances(db: Database, options: { silentSince: Date; now: Date; self: string }): Promise<Array<{ instance: string; released: number }>> {
  const now = options.now.getTime();
  const reaped: Array<{ instance: string; released: number }> = [];
  for (;;) {
    const one = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ instance: string }>(`SELECT instance FROM instances WHERE instance <> $1 AND last_seen < $2
        ORDER BY last_seen, instance LIMIT 1 FOR UPDATE SKIP LOCKED`, [options.self, options.silentSince.getTime()]);
      const instance = rows[0]?.instance;
      if (instance === undefined) return undefined;
      const released = await giveBack(tx, instance, now);
      await tx.query('DELETE FROM instances WHERE instance = $1', [instance]);
      return { instance, released };
    });
    if (one === undefined) return reaped;
    reaped.push(one);
  }
}

/** `listInstances`: most recent heartbeat first. */
export async function listInstances(db: Database): Promise<InstanceRecord[]> {
  const { rows } = await db.query<{ instance: string; roles: string; last_seen: number }>('SELECT instance, roles, last_seen FROM instances ORDER BY last_seen DESC, instance');
  return rows.map((r) => ({ instance: r.instance, roles: JSON.parse(r.roles) as string[], lastSeen: new Date(r.last_seen).toISOString() }));
}
