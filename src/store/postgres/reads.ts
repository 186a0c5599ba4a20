import type { StoredEvent } from '../../model/index.ts';
import { WAITING_CODES, type DeadLetterQuery, type EventQuery, type OperationAttempt, type OperationQuery, type OperationState, type Page, type StoredDeadLetter, type StoredOperation } from '../store.ts';
import type { Database } from './database.ts';
import { pageOf, toStoredDeadLetter, toStoredEvent, toStoredOperation, type DeadLetterRow, type EventRow, type OperationRow } from './rows.ts';

/**
 * The state shown to operators (`shownState` in src/outbox/rules/, in SQL, to filter and count by
 * it): a pending operation whose last error's code is one of WAITING_CODES is `waiting`. The inner
 * CASE keeps the jsonb cast to pending rows with an error.
 */
const SHOWN_STATE = `CASE WHEN state = 'pending' AND last_error IS NOT NULL THEN
    CASE WHEN (last_error::jsonb ->> 'code') IN (${WAITING_CODES.map((c) => `'${c.replaceAll("'", "''")}'`).join(', ')}) THEN 'waiting' ELSE state END
  ELSE state END`;

/** Builds a WHERE clause with numbered parameters. */
function filters() {
  const where: string[] = [];
  const params: unknown[] = [];
  return {
    params,
    add(sql: (p: string) => string, value: unknown) { params.push(value); where.push(sql(`$${params.length}`)); },
    param(value: unknown) { params.push(value); return `$${params.length}`; },
    get clause() { return where.length ? `WHERE ${where.join(' AND ')}` : ''; },
  };
}

export async function listEvents(db: Database, query: EventQuery): Promise<Page<StoredEvent>> {
  const f = filters();
  if (query.source !== undefined) f.add((p) => `source = ${p}`, query.source);
  if (query.kind !== undefined) f.add((p) => `kind = ${p}`, query.kind);
  if (query.since !== undefined) f.add((p) => `received_at >= ${p}`, query.since.getTime());
  if (query.after !== undefined) f.add((p) => `seq > ${p}`, Number(query.after));
  const { rows } = await db.query<EventRow>(`SELECT * FROM events ${f.clause} ORDER BY seq LIMIT ${f.param(query.limit + 1)}`, f.params);
  return pageOf(rows, query.limit, toStoredEvent);
}

export async function getEvent(db: Database, id: string): Promise<StoredEvent | undefined> {
  const { rows } = await db.query<EventRow>('SELECT * FROM events WHERE id = $1', [id]);
  return rows[0] && toStoredEvent(rows[0]);
}

export async function listDeadLetters(db: Database, query: DeadLetterQuery): Promise<Page<StoredDeadLetter>> {
  const f = filters();
  if (query.source !== undefined) f.add((p) => `source = ${p}`, query.source);
  if (query.stage !== undefined) f.add((p) => `stage = ${p}`, query.stage);
  if (query.after !== undefined) f.add((p) => `seq > ${p}`, Number(query.after));
  const { rows } = await db.query<DeadLetterRow>(`SELECT * FROM dead_letters ${f.clause} ORDER BY seq LIMIT ${f.param(query.limit + 1)}`, f.params);
  return pageOf(rows, query.limit, toStoredDeadLetter);
}

export async function getDeadLetter(db: Database, id: string): Promise<StoredDeadLetter | undefined> {
  const { rows } = await db.query<DeadLetterRow>('SELECT * FROM dead_letters WHERE id = $1', [id]);
  return rows[0] && toStoredDeadLetter(rows[0]);
}

export async function listOperations(db: Database, query: OperationQuery): Promise<Page<StoredOperation>> {
  const f = filters();
  if (query.state !== undefined) f.add((p) => `${SHOWN_STATE} = ${p}`, query.state);
  if (query.destination !== undefined) f.add((p) => `destination = ${p}`, query.destination);
  if (query.after !== undefined) f.add((p) => `seq > ${p}`, Number(query.after));
  const { rows } = await db.query<OperationRow & { shown_state: OperationState }>(
    `SELECT *, ${SHOWN_STATE} AS shown_state FROM operations ${f.clause} ORDER BY seq LIMIT ${f.param(query.limit + 1)}`, f.params);
  return pageOf(rows.map((row) => ({ ...row, state: row.shown_state })), query.limit, toStoredOperation);
}

export async function countOperations(db: Database): Promise<Array<{ destination: string; state: OperationState; count: number }>> {
  const { rows } = await db.query<{ destination: string; state: OperationState; count: number }>(
    `SELECT destination, ${SHOWN_STATE} AS state, COUNT(*) AS count FROM operations GROUP BY 1, 2 ORDER BY 1, 2`);
  return rows;
}

export async function listAttempts(db: Database, operationId: string): Promise<OperationAttempt[]> {
  const { rows } = await db.query<{ attempt: number; at: number; outcome: string; error: string | null }>(
    'SELECT attempt, at, outcome, error FROM operation_attempts WHERE operation_id = $1 ORDER BY attempt', [operationId]);
  return rows.map((r) => ({ attempt: r.attempt, at: new Date(r.at).toISOString(), outcome: r.outcome, ...(r.error ? { error: JSON.parse(r.error) as Record<string, unknown> } : {}) }));
}

/** The CRM id of the first record of `object` written for each identity, in the order asked. */
export async function readFirstRecords(db: Database, destination: string, keys: Array<{ object: string; orderingKey: string }>): Promise<Array<{ object: string; orderingKey: string; crmId: string }>> {
  if (keys.length === 0) return [];
  const { rows } = await db.query<{ object: string; ordering_key: string; crm_id: string }>(`SELECT DISTINCT ON (k.ordering_key, k.object) k.ordering_key, k.object, o.crm_id
    FROM unnest($2::text[], $3::text[]) AS k(ordering_key, object)
      JOIN operations o ON o.destination = $1 AND o.ordering_key = k.ordering_key AND o.object = k.object AND o.state = 'done'
        AND o.operation <> 'delete' AND o.crm_id IS NOT NULL AND o.crm_id <> ''
    ORDER BY k.ordering_key, k.object, o.seq`, [destination, keys.map((k) => k.orderingKey), keys.map((k) => k.object)]);
  const found = new Map(rows.map((r) => [JSON.stringify([r.ordering_key, r.object]), r.crm_id]));
  return keys.flatMap(({ object, orderingKey }) => {
    const crmId = found.get(JSON.stringify([orderingKey, object]));
    return crmId === undefined ? [] : [{ object, orderingKey, crmId }];
  });
}

/** The CRM ids of records Parley wrote, in the order asked. */
export async function readLinks(db: Database, destination: string, keys: Array<{ object: string; key: string }>): Promise<Array<{ object: string; key: string; crmId: string }>> {
  if (keys.length === 0) return [];
  const { rows } = await db.query<{ object: string; record_key: string; crm_id: string }>(`SELECT l.object, l.record_key, l.crm_id
    FROM links l JOIN unnest($2::text[], $3::text[]) AS k(object, record_key) ON l.destination = $1 AND l.object = k.object AND l.record_key = k.record_key`,
  [destination, keys.map((k) => k.object), keys.map((k) => k.key)]);
  const found = new Map(rows.map((r) => [JSON.stringify([r.object, r.record_key]), r.crm_id]));
  return keys.flatMap(({ object, key }) => {
    const crmId = found.get(JSON.stringify([object, key]));
    return crmId === undefined ? [] : [{ object, key, crmId }];
  });
}

export async function readIdempotencyKey(db: Database, scope: string, key: string, since: Date): Promise<unknown> {
  const { rows } = await db.query<{ response: string }>('SELECT response FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at >= $3', [scope, key, since.getTime()]);
  return rows[0] ? JSON.parse(rows[0].response) as unknown : undefined;
}

/** The first answer stored wins; one older than a day is replaced. */
export async function saveIdempotencyKey(db: Database, scope: string, key: string, response: unknown, now: Date): Promise<void> {
  await db.query(`INSERT INTO idempotency_keys (scope, key, response, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (scope, key) DO UPDATE SET response = excluded.response, created_at = excluded.created_at
    WHERE idempotency_keys.created_at < excluded.created_at - 86400000`, [scope, key, JSON.stringify(response), now.getTime()]);
}

export async function pruneDedupKeys(db: Database, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM event_keys WHERE seen_at < $1', [before.getTime()]);
  return rowCount ?? 0;
}
