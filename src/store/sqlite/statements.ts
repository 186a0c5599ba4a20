import type Database from 'better-sqlite3';
import { deadLetterReasons, errors } from '../../errors.ts';
import { WAITING_CODES } from '../store.ts';
/**
 * The state shown to operators: a pending operation whose last error is a wait on something outside
 * Parley's control (WAITING_CODES) is `waiting`. Matched as text (last_error is JSON.stringify's
 * output, without spaces): json_extract would fail the whole query on a malformed value.
 */
export const SHOWN_STATE = `CASE WHEN state = 'pending' AND (${WAITING_CODES.map((c) => `last_error LIKE '%"code":"${c}"%'`).join(' OR ')}) THEN 'waiting' ELSE state END`;

/**
 * Every statement of the SQLite store, prepared once after migrations: the store's SQL in one place.
 */
export function prepareStatements(db: Database.Database) {
  return {
    // Insert a new key, or re-arm one whose window has passed; `changes` is 0 for a duplicate.
    claimKey: db.prepare(`INSERT INTO event_keys (source, event_key, seen_at) VALUES (?, ?, ?)
      ON CONFLICT (source, event_key) DO UPDATE SET seen_at = excluded.seen_at WHERE event_keys.seen_at < ?`),
    insertDelivery: db.prepare('INSERT INTO deliveries (id, source, received_at, content_type, body, headers) VALUES (?, ?, ?, ?, ?, ?)'),
  pending: db.prepare('SELECT * FROM deliveries WHERE seq > (SELECT last_seq FROM derive_cursor WHERE id = 1) ORDER BY seq LIMIT ?'),
  countPending: db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE seq > (SELECT last_seq FROM derive_cursor WHERE id = 1)'),
  advanceCursor: db.prepare('UPDATE derive_cursor SET last_seq = ? WHERE id = 1'),
    insertEvent: db.prepare(`INSERT INTO events (id, source, kind, event_key, delivery_id, received_at, data)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    insertDeadLetter: db.prepare(`INSERT INTO dead_letters (id, stage, source, delivery_id, reason_code, reason, details, content_type, body, created_at)
      VALUES (?, 'intake', ?, ?, ?, ?, ?, ?, ?, ?)`),
    getEvent: db.prepare('SELECT * FROM events WHERE id = ?'),
    getDeadLetter: db.prepare('SELECT * FROM dead_letters WHERE id = ?'),
    prune: db.prepare('DELETE FROM event_keys WHERE seen_at < ?'),
    unplanned: db.prepare('SELECT * FROM events WHERE planned_at IS NULL ORDER BY seq LIMIT ?'),
    getEventForPlan: db.prepare('SELECT seq, planned_at, source, delivery_id, data FROM events WHERE id = ?'),
    deferPlan: db.prepare('INSERT OR IGNORE INTO deferred_plans (destination, event_seq, event_id) VALUES (?, ?, ?)'),
    deferredDestinations: db.prepare('SELECT DISTINCT destination FROM deferred_plans ORDER BY destination'),
    readDeferred: db.prepare('SELECT e.* FROM deferred_plans d JOIN events e ON e.seq = d.event_seq WHERE d.destination = ? ORDER BY d.event_seq LIMIT ?'),
    undefer: db.prepare('DELETE FROM deferred_plans WHERE destination = ? AND event_id = ?'),
    markPlanned: db.prepare('UPDATE events SET planned_at = ? WHERE id = ? AND planned_at IS NULL'),
    insertOperation: db.prepare(`INSERT INTO operations (id, event_id, mapping_id, destination, object, operation, match_key, match_value,
      record_key, ordering_key, fields, refs, state, next_attempt_at, created_at, updated_at, mapping_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    supersede: db.prepare(`UPDATE operations SET state = 'superseded', updated_at = ?
      WHERE destination = ? AND object = ? AND record_key = ? AND state = 'pending'`),
    tombstone: db.prepare('INSERT OR IGNORE INTO tombstones (destination, object, record_key, erased_at) VALUES (?, ?, ?, ?)'),
    isTombstoned: db.prepare('SELECT 1 FROM tombstones WHERE destination = ? AND object = ? AND record_key = ?'),
    insertMappingDeadLetter: db.prepare(`INSERT INTO dead_letters (id, stage, source, delivery_id, reason_code, reason, details, content_type, body, created_at)
      VALUES (?, 'mapping', ?, ?, '${deadLetterReasons.MAPPING_FAILED.code}', ?, ?, 'application/json', ?, ?)`),
    countOperations: db.prepare(`SELECT destination, ${SHOWN_STATE} AS state, COUNT(*) AS count FROM operations GROUP BY destination, 2 ORDER BY destination, 2`),
    // Due: pending and its time has come, or leased with an expired lease; not behind an earlier
    // operation on the same record that is still to be delivered.
    // The last two parameters: NULL for every due operation, 1 for live ones only (no resync job), 0 for resync jobs' only.
    due: db.prepare(`SELECT o.* FROM operations o
      WHERE o.destination = ? AND ((o.state = 'pending' AND o.next_attempt_at <= ?) OR (o.state = 'leased' AND o.lease_until < ?))
        AND (? IS NULL OR (o.resync_id IS NULL) = ?)
        AND NOT (o.record_key IS NOT NULL AND EXISTS (SELECT 1 FROM operations p WHERE p.destination = o.destination AND p.object = o.object
          AND p.record_key = o.record_key AND p.state IN ('pending', 'leased') AND p.seq < o.seq))
      ORDER BY (o.resync_id IS NOT NULL), o.seq`),
    // Writes after `seq` on the same record, in order, up to the first that is not due yet.
    laterOnRecord: db.prepare(`SELECT * FROM operations WHERE destination = ? AND object = ? AND record_key = ? AND seq > ?
      AND state IN ('pending', 'leased') AND next_attempt_at <= ? ORDER BY seq`),
    // A planned write of a referenced record not yet delivered, whichever delivery brought it first
    // (a reply may arrive before the profile of its author).
    pendingWriteOf: db.prepare(`SELECT 1 FROM operations WHERE destination = ? AND object = ? AND record_key = ?
      AND state IN ('pending', 'leased') AND operation != 'delete' AND seq != ? LIMIT 1`),
    lease: db.prepare(`UPDATE operations SET state = 'leased', lease_owner = ?, lease_until = ?, outcome_unknown = ?, sent_at = NULL, updated_at = ? WHERE id = ?`),
    // Only this owner's current lease: one that expired and was taken over is not the one being sent.
    markSent: db.prepare(`UPDATE operations SET sent_at = ?, updated_at = ? WHERE id = ? AND state = 'leased' AND lease_owner = ?`),
    getLink: db.prepare('SELECT crm_id FROM links WHERE destination = ? AND object = ? AND record_key = ?'),
    putLink: db.prepare(`INSERT INTO links (destination, object, record_key, crm_id, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (destination, object, record_key) DO UPDATE SET crm_id = excluded.crm_id, updated_at = excluded.updated_at`),
    deleteLink: db.prepare('DELETE FROM links WHERE destination = ? AND object = ? AND record_key = ?'),
    getOperationLease: db.prepare('SELECT state, lease_owner, attempts, destination, object, record_key, operation FROM operations WHERE id = ?'),
    wakeParentWaits: db.prepare(`UPDATE operations SET next_attempt_at = ?, updated_at = ? WHERE destination = ? AND state = 'pending'
      AND ordering_key = (SELECT ordering_key FROM operations WHERE id = ?) AND json_extract(last_error, '$.code') = '${errors.OUTBOX_PARENT_MISSING.code}'`),
    finish: db.prepare(`UPDATE operations SET state = 'done', attempts = ?, crm_id = ?, lease_owner = NULL, lease_until = NULL, outcome_unknown = 0, updated_at = ? WHERE id = ?`),
    retry: db.prepare(`UPDATE operations SET state = 'pending', attempts = ?, next_attempt_at = ?, outcome_unknown = MAX(outcome_unknown, ?), last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`),
    // No index leads with state or owner: a scan, run once when a dispatcher stops or an instance is reaped.
    leasesOf: db.prepare(`SELECT id, sent_at, outcome_unknown FROM operations WHERE state = 'leased' AND lease_owner = ?`),
    release: db.prepare(`UPDATE operations SET state = 'pending', next_attempt_at = ?, outcome_unknown = ?, sent_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
      WHERE id = ? AND state = 'leased' AND lease_owner = ?`),
    kill: db.prepare(`UPDATE operations SET state = 'dead', attempts = ?, last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`),
    insertAttempt: db.prepare('INSERT OR REPLACE INTO operation_attempts (operation_id, attempt, at, outcome, error) VALUES (?, ?, ?, ?, ?)'),
    attempts: db.prepare('SELECT attempt, at, outcome, error FROM operation_attempts WHERE operation_id = ? ORDER BY attempt'),
    firstRecord: db.prepare(`SELECT crm_id FROM operations WHERE destination = ? AND ordering_key = ? AND object = ? AND state = 'done'
      AND operation != 'delete' AND crm_id IS NOT NULL AND crm_id != '' ORDER BY seq LIMIT 1`),
    pendingOfIdentity: db.prepare(`SELECT 1 FROM operations WHERE destination = ? AND ordering_key = ? AND object = ?
      AND state IN ('pending', 'leased') AND operation != 'delete' AND seq != ? LIMIT 1`),
    insertBinding: db.prepare('INSERT OR IGNORE INTO pending_bindings (destination, ref_object, ref_key, operation_id, field) VALUES (?, ?, ?, ?, ?)'),
    bindingsFor: db.prepare('SELECT operation_id, field FROM pending_bindings WHERE destination = ? AND ref_object = ? AND ref_key = ?'),
    deleteBinding: db.prepare('DELETE FROM pending_bindings WHERE destination = ? AND ref_object = ? AND ref_key = ? AND operation_id = ? AND field = ?'),
    getOperationForBinding: db.prepare('SELECT event_id, object, record_key, ordering_key FROM operations WHERE id = ?'),
    getOperationForLetter: db.prepare(`SELECT o.*, e.source AS source, e.delivery_id AS delivery_id FROM operations o JOIN events e ON e.id = o.event_id WHERE o.id = ?`),
    updateOperationLetter: db.prepare(`UPDATE dead_letters SET reason_code = ?, reason = ?, details = ?, body = ?, created_at = ? WHERE operation_id = ?`),
    insertOperationLetter: db.prepare(`INSERT INTO dead_letters (id, stage, source, delivery_id, reason_code, reason, details, content_type, body, created_at, operation_id)
      VALUES (?, 'delivery', ?, ?, ?, ?, ?, 'application/json', ?, ?, ?)`),
    getLetterOperation: db.prepare('SELECT operation_id FROM dead_letters WHERE id = ?'),
    revive: db.prepare(`UPDATE operations SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'`),
    markReplayed: db.prepare('UPDATE dead_letters SET replayed_at = ? WHERE id = ?'),
    getMappingLetter: db.prepare(`SELECT details FROM dead_letters WHERE id = ? AND stage = 'mapping' AND replayed_at IS NULL`),
    // No index on the event: a scan of the dead letters, once per replay an operator asks for.
    mappingLettersOf: db.prepare(`SELECT id FROM dead_letters WHERE stage = 'mapping' AND replayed_at IS NULL
      AND json_extract(details, '$.eventId') = ? AND json_extract(details, '$.mappingId') = ? ORDER BY seq`),
    heartbeat: db.prepare(`INSERT INTO instances (instance, roles, last_seen) VALUES (?, ?, ?)
      ON CONFLICT (instance) DO UPDATE SET roles = excluded.roles, last_seen = MAX(instances.last_seen, excluded.last_seen)`),
    silentInstances: db.prepare('SELECT instance FROM instances WHERE last_seen < ? AND instance != ? ORDER BY last_seen'),
    forgetInstance: db.prepare('DELETE FROM instances WHERE instance = ?'),
    listInstances: db.prepare('SELECT instance, roles, last_seen FROM instances ORDER BY last_seen DESC, instance'),
    getIdempotency: db.prepare('SELECT response FROM idempotency_keys WHERE scope = ? AND key = ? AND created_at >= ?'),
    putIdempotency: db.prepare(`INSERT INTO idempotency_keys (scope, key, response, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (scope, key) DO UPDATE SET response = excluded.response, created_at = excluded.created_at WHERE idempotency_keys.created_at < excluded.created_at - 86400000`),
  };
}
export type Statements = ReturnType<typeof prepareStatements>;
