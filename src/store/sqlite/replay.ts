import type Database from 'better-sqlite3';
import type { MappingReplay, NewOperation, Store } from '../store.ts';
import type { Statements } from './statements.ts';

/**
 * `replayMappingDeadLetters`, inside the caller's transaction: each letter still open gets its
 * operations queued (`queue`, as commitPlan does) and is closed with the other open letters of its
 * event and mapping. A letter closed already (by an earlier replay, or by a sibling earlier in
 * `replays`) is skipped, so one (event, mapping) is planned again at most once.
 */
export function replayMappingLetters(s: Statements, replays: MappingReplay[], queue: (op: NewOperation) => void, now: number): string[] {
  const replayed: string[] = [];
  for (const replay of replays) {
    const letter = s.getMappingLetter.get(replay.id) as { details: string } | undefined;
    if (!letter) continue;
    const details = JSON.parse(letter.details) as { eventId?: string; mappingId?: string };
    const siblings = (s.mappingLettersOf.all(details.eventId ?? null, details.mappingId ?? null) as Array<{ id: string }>).map((r) => r.id);
    for (const op of replay.operations) queue(op);
    for (const id of new Set([replay.id, ...siblings])) {
      s.markReplayed.run(now, id);
      replayed.push(id);
    }
  }
  return replayed;
}

/** `findReplayable`: dead operations' letters and open mapping letters, oldest first. */
export function findReplayableLetters(db: Database.Database, filter: Parameters<Store['findReplayable']>[0]): string[] {
  const branches: string[] = [];
  const params: Array<string | number> = [];
  if (filter.stage !== 'mapping') {
    branches.push(`(d.stage = 'delivery' AND o.state = 'dead'${filter.destination !== undefined ? ' AND o.destination = ?' : ''})`);
    if (filter.destination !== undefined) params.push(filter.destination);
  }
  if (filter.stage !== 'delivery' && (filter.mappingIds === undefined || filter.mappingIds.length > 0)) {
    const ids = filter.mappingIds ?? [];
    branches.push(`(d.stage = 'mapping' AND d.replayed_at IS NULL${ids.length > 0 ? ` AND json_extract(d.details, '$.mappingId') IN (${ids.map(() => '?').join(', ')})` : ''})`);
    params.push(...ids);
  }
  if (branches.length === 0) return [];
  const where = [`(${branches.join(' OR ')})`];
  if (filter.reasonCode !== undefined) { where.push('d.reason_code = ?'); params.push(filter.reasonCode); }
  if (filter.since !== undefined) { where.push('d.created_at >= ?'); params.push(filter.since.getTime()); }
  const sql = `SELECT d.id FROM dead_letters d LEFT JOIN operations o ON o.id = d.operation_id WHERE ${where.join(' AND ')} ORDER BY d.seq LIMIT ?`;
  return (db.prepare(sql).all(...params, filter.limit) as Array<{ id: string }>).map((r) => r.id);
}
