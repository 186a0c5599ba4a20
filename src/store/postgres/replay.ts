import type { MappingReplay, Store } from '../store.ts';
import type { Database } from './database.ts';
import { OperationQueue } from './operation-queue.ts';

/** `replayDeadLetters`, in ONE transaction: each letter's dead operation pending again, due now, and the letter marked replayed. */
export async function replayDeadLetters(db: Database, ids: string[], options: { now: Date }): Promise<string[]> {
  const now = options.now.getTime();
  return db.transaction(async (tx) => {
    const replayed: string[] = [];
    for (const id of ids) {
      const letter = await tx.query<{ operation_id: string | null }>('SELECT operation_id FROM dead_letters WHERE id = $1 FOR UPDATE', [id]);
      const operationId = letter.rows[0]?.operation_id;
      if (!operationId) continue;
      const revived = await tx.query(`UPDATE operations SET state = 'pending', next_attempt_at = $1, updated_at = $1 WHERE id = $2 AND state = 'dead'`, [now, operationId]);
      if ((revived.rowCount ?? 0) === 0) continue;
      await tx.query('UPDATE dead_letters SET replayed_at = $1 WHERE id = $2', [now, id]);
      replayed.push(id);
    }
    if (replayed.length > 0) tx.wake('operations');
    return replayed;
  });
}

/**
 * `replayMappingDeadLetters`, in ONE transaction: each letter still open gets its operations
 * queued (as commitPlan queues them) and is closed with the other open letters of its event and
 * mapping. The letter's event is locked before the letter is checked: two replays of sibling
 * letters serialize there (locking the letters one by one instead could deadlock them), and the
 * second finds them closed.
 */
export async function replayMappingDeadLetters(db: Database, replays: MappingReplay[], options: { now: Date }): Promise<string[]> {
  const now = options.now.getTime();
  return db.transaction(async (tx) => {
    const queue = new OperationQueue(tx, now);
    await queue.prefetch(replays.flatMap((r) => r.operations));
    const replayed: string[] = [];
    for (const replay of replays) {
      const open = `SELECT details FROM dead_letters WHERE id = $1 AND stage = 'mapping' AND replayed_at IS NULL`;
      const first = await tx.query<{ details: string }>(open, [replay.id]);
      if (!first.rows[0]) continue;
      const { eventId, mappingId } = JSON.parse(first.rows[0].details) as { eventId?: string; mappingId?: string };
      await tx.query('SELECT 1 FROM events WHERE id = $1 FOR UPDATE', [eventId ?? null]);
      // Read again under the event's lock: another replay may have closed it meanwhile.
      if ((await tx.query(open, [replay.id])).rows.length === 0) continue;
      const siblings = await tx.query<{ id: string }>(`SELECT id FROM dead_letters WHERE stage = 'mapping' AND replayed_at IS NULL
        AND (details::jsonb ->> 'eventId') = $1 AND (details::jsonb ->> 'mappingId') = $2 ORDER BY seq`, [eventId ?? null, mappingId ?? null]);
      for (const op of replay.operations) await queue.queue(op);
      const closed = [...new Set([replay.id, ...siblings.rows.map((r) => r.id)])];
      await tx.query('UPDATE dead_letters SET replayed_at = $1 WHERE id = ANY($2::text[])', [now, closed]);
      replayed.push(...closed);
    }
    await queue.flush();
    if (queue.pending > 0) tx.wake('operations');
    return replayed;
  });
}

/** `findReplayable`: dead operations' letters and open mapping letters, oldest first. */
export async function findReplayable(db: Database, filter: Parameters<Store['findReplayable']>[0]): Promise<string[]> {
  const branches: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => { params.push(value); return `$${params.length}`; };
  if (filter.stage !== 'mapping') {
    branches.push(`(d.stage = 'delivery' AND o.state = 'dead'${filter.destination !== undefined ? ` AND o.destination = ${param(filter.destination)}` : ''})`);
  }
  if (filter.stage !== 'delivery' && (filter.mappingIds === undefined || filter.mappingIds.length > 0)) {
    const ids = filter.mappingIds;
    branches.push(`(d.stage = 'mapping' AND d.replayed_at IS NULL${ids !== undefined ? ` AND (d.details::jsonb ->> 'mappingId') = ANY(${param(ids)}::text[])` : ''})`);
  }
  if (branches.length === 0) return [];
  const where = [`(${branches.join(' OR ')})`];
  if (filter.reasonCode !== undefined) where.push(`d.reason_code = ${param(filter.reasonCode)}`);
  if (filter.since !== undefined) where.push(`d.created_at >= ${param(filter.since.getTime())}`);
  const { rows } = await db.query<{ id: string }>(`SELECT d.id FROM dead_letters d LEFT JOIN operations o ON o.id = d.operation_id
    WHERE ${where.join(' AND ')} ORDER BY d.seq LIMIT ${param(filter.limit)}`, params);
  return rows.map((r) => r.id);
}
