import { deadLetterReasons } from '../../errors.ts';
import type { StoredEvent } from '../../model/index.ts';
import type { PlannedEvent } from '../store.ts';
import type { Database, Tx } from './database.ts';
import { OperationQueue } from './operation-queue.ts';
import { toStoredEvent, type EventRow } from './rows.ts';

/** What planning reads of an event it queues operations for. */
export interface PlannedEventRow { id: string; seq: number; planned_at: number | null; source: string; delivery_id: string; data: string }

/**
 * Queues the plans `admit` lets through (it also does their bookkeeping), in ONE transaction. The
 * plans' events are locked first, in seq order (two planners locking overlapping batches cannot
 * deadlock), so `admit`'s check of planned_at (or of the deferral) cannot be passed by two
 * planners: the second waits and then sees the first's mark.
 * @returns how many plans were queued
 */
export async function queuePlans(db: Database, plans: PlannedEvent[], now: number,
  admit: (tx: Tx, plan: PlannedEvent, event: PlannedEventRow) => Promise<boolean>): Promise<number> {
  if (plans.length === 0) return 0;
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<PlannedEventRow>(`SELECT id, seq, planned_at, source, delivery_id, data FROM events
      WHERE id = ANY($1::text[]) ORDER BY seq FOR UPDATE`, [plans.map((p) => p.eventId)]);
    const events = new Map(rows.map((r) => [r.id, r]));
    const queue = new OperationQueue(tx, now);
    await queue.prefetch(plans.flatMap((p) => p.operations));
    let planned = 0;
    for (const plan of plans) {
      const event = events.get(plan.eventId);
      if (!event || !(await admit(tx, plan, event))) continue;
      for (const op of plan.operations) await queue.queue(op);
      for (const problem of plan.problems) await insertMappingLetter(tx, { ...problem, eventId: plan.eventId }, event, now);
      planned++;
    }
    await queue.flush();
    if (queue.pending > 0) tx.wake('operations');
    return planned;
  });
}

/** `commitPlan`'s admission: an event not planned yet is marked planned, its deferred destinations kept. */
export async function admitUnplanned(tx: Tx, plan: PlannedEvent, event: PlannedEventRow, now: number): Promise<boolean> {
  if (event.planned_at !== null) return false;
  for (const destination of plan.deferred ?? []) {
    await tx.query('INSERT INTO deferred_plans (destination, event_seq, event_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [destination, event.seq, plan.eventId]);
  }
  await tx.query('UPDATE events SET planned_at = $1 WHERE id = $2 AND planned_at IS NULL', [now, plan.eventId]);
  // Marked: a second plan of the same event later in the batch is skipped.
  event.planned_at = now;
  return true;
}

/** `commitDeferredPlan`'s admission: the event's deferral for `destination` ends now, or it had ended already. */
export async function admitDeferred(tx: Tx, destination: string, plan: PlannedEvent): Promise<boolean> {
  const ended = await tx.query('DELETE FROM deferred_plans WHERE destination = $1 AND event_id = $2', [destination, plan.eventId]);
  return (ended.rowCount ?? 0) > 0;
}

/** A mapping's failure on an event, kept as a dead letter of stage `mapping` whose body is the event's canonical JSON. */
export async function insertMappingLetter(tx: Tx, problem: { id: string; mappingId: string; key: string; problem: string; eventId: string },
  event: Pick<PlannedEventRow, 'source' | 'delivery_id' | 'data'>, now: number): Promise<void> {
  await tx.query(`INSERT INTO dead_letters (id, stage, source, delivery_id, reason_code, reason, details, content_type, body, created_at)
    VALUES ($1, 'mapping', $2, $3, $4, $5, $6, 'application/json', $7, $8)`, [
    problem.id, event.source, event.delivery_id, deadLetterReasons.MAPPING_FAILED.code, problem.problem,
    JSON.stringify({ mappingId: problem.mappingId, eventId: problem.eventId, key: problem.key }), Buffer.from(event.data), now,
  ]);
}

export async function readUnplannedEvents(db: Database, limit: number): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventRow>('SELECT * FROM events WHERE planned_at IS NULL ORDER BY seq LIMIT $1', [limit]);
  return rows.map(toStoredEvent);
}

export async function deferredDestinations(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ destination: string }>('SELECT DISTINCT destination FROM deferred_plans ORDER BY destination');
  return rows.map((r) => r.destination);
}

export async function readDeferredEvents(db: Database, destination: string, limit: number): Promise<StoredEvent[]> {
  const { rows } = await db.query<EventRow>(`SELECT e.* FROM deferred_plans d JOIN events e ON e.seq = d.event_seq
    WHERE d.destination = $1 ORDER BY d.event_seq LIMIT $2`, [destination, limit]);
  return rows.map(toStoredEvent);
}
