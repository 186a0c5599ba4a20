import type { DeliveryWrite, DerivedDelivery, DerivedResult, PendingDelivery } from '../store.ts';
import { WAKE_CHANNEL, type Database, type Tx } from './database.ts';
import { toPendingDelivery, type DeliveryRow } from './rows.ts';

/**
 * Appends a batch of deliveries as ONE statement: a multi-row INSERT from arrays (ordered, so seq
 * follows the batch's order) and the `deliveries` wake-up in a data-modifying CTE. A single
 * statement is its own transaction, so this is one round trip, durable once it resolves.
 */
export async function appendDeliveries(db: Database, schema: string, deliveries: DeliveryWrite[]): Promise<void> {
  if (deliveries.length === 0) return;
  await db.query(`WITH appended AS (
      INSERT INTO deliveries (id, source, received_at, content_type, body, headers)
      SELECT id, source, received_at, content_type, body, headers
      FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bytea[], $6::text[]) WITH ORDINALITY AS d(id, source, received_at, content_type, body, headers, n)
      ORDER BY n
      RETURNING 1)
    SELECT pg_notify($7, $8)`, [
    deliveries.map((d) => d.id), deliveries.map((d) => d.source), deliveries.map((d) => d.receivedAt.getTime()),
    deliveries.map((d) => d.contentType), deliveries.map((d) => d.body), deliveries.map((d) => (d.headers ? JSON.stringify(d.headers) : null)),
    WAKE_CHANNEL, `${schema}:deliveries`,
  ]);
}

/** The oldest deliveries not derived yet, by seq: not a cursor, since seq is not commit order across instances. */
export async function readPendingDeliveries(db: Database, limit: number): Promise<PendingDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(`SELECT seq, id, source, received_at, content_type, body, headers FROM deliveries
    WHERE derived_at IS NULL ORDER BY seq LIMIT $1`, [limit]);
  return rows.map(toPendingDelivery);
}

export async function countPendingDeliveries(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM deliveries WHERE derived_at IS NULL');
  return rows[0]?.n ?? 0;
}

/**
 * `commitDerived`, in ONE transaction: the batch's deliveries are locked first, and one another
 * deriver marked derived meanwhile is skipped (its events are the other's: all its keys are reported
 * as duplicates, its dead letter as not stored). Keys are claimed in batch order, so a key twice in
 * the batch is a duplicate the second time.
 */
export async function commitDerived(db: Database, batch: DerivedDelivery[], options: { dedupSince: Date; now: number }): Promise<DerivedResult[]> {
  const since = options.dedupSince.getTime();
  return db.transaction(async (tx) => {
    const seqs = batch.map((item) => item.delivery.position);
    const { rows } = await tx.query<{ seq: number }>('SELECT seq FROM deliveries WHERE seq = ANY($1::bigint[]) AND derived_at IS NULL ORDER BY seq FOR UPDATE', [seqs]);
    const mine = new Set(rows.map((r) => r.seq));
    const results: DerivedResult[] = [];
    for (const item of batch) {
      if (!mine.has(item.delivery.position)) {
        results.push(item.outcome.type === 'events'
          ? { type: 'events', storedEventIds: [], duplicateKeys: item.outcome.events.map((e) => e.key) }
          : { type: 'dead-letter', stored: false });
        continue;
      }
      results.push(await writeDerived(tx, item, since));
    }
    if (mine.size > 0) await tx.query('UPDATE deliveries SET derived_at = $1 WHERE seq = ANY($2::bigint[])', [options.now, [...mine]]);
    if (results.some((r) => r.type === 'events' && r.storedEventIds.length > 0)) tx.wake('events');
    return results;
  });
}

// Claims the key and stores the row in one statement: the key's INSERT re-arms one whose window
// has passed (`seen_at < since`) and returns nothing for a duplicate, and then nothing is stored.
const CLAIM_KEY = `WITH claimed AS (
  INSERT INTO event_keys (source, event_key, seen_at) VALUES ($1, $2, $3)
  ON CONFLICT (source, event_key) DO UPDATE SET seen_at = excluded.seen_at WHERE event_keys.seen_at < $4
  RETURNING 1)`;

async function writeDerived(tx: Tx, { delivery, outcome }: DerivedDelivery, since: number): Promise<DerivedResult> {
  const at = delivery.receivedAt.getTime();
  if (outcome.type === 'dead-letter') {
    const letter = outcome.deadLetter;
    const stored = await tx.query(`${CLAIM_KEY}
      INSERT INTO dead_letters (id, stage, source, delivery_id, reason_code, reason, details, content_type, body, created_at)
      SELECT $5, 'intake', $1, $6, $7, $8, $9, $10, $11, $3 FROM claimed`,
    [delivery.source, letter.key, at, since, letter.id, delivery.id, letter.reasonCode, letter.reason, JSON.stringify(letter.details), delivery.contentType, delivery.body]);
    return { type: 'dead-letter', stored: stored.rowCount === 1 };
  }
  const storedEventIds: string[] = [];
  const duplicateKeys: string[] = [];
  for (const event of outcome.events) {
    const stored = await tx.query(`${CLAIM_KEY}
      INSERT INTO events (id, source, kind, event_key, delivery_id, received_at, data)
      SELECT $5, $1, $6, $2, $7, $3, $8 FROM claimed`,
    [delivery.source, event.key, at, since, event.id, event.kind, delivery.id, JSON.stringify(event.data)]);
    if (stored.rowCount === 1) storedEventIds.push(event.id);
    else duplicateKeys.push(event.key);
  }
  return { type: 'events', storedEventIds, duplicateKeys };
}
