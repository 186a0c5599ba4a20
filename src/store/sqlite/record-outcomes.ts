import { bindLaterOperation, deliveryDeadLetter, outcomeTransition, unknownOnRelease, type LearntLink } from '../../outbox/rules/index.ts';
import type { NewOperation, OperationOutcome } from '../store.ts';
import { queueOperation } from './queue-plan.ts';
import type { OperationRow } from './rows.ts';
import type { Statements } from './statements.ts';

/**
 * `recordOutcomes`, inside the caller's transaction: each outcome becomes what the outbox's rule
 * (`outcomeTransition`) says — done with its links and the bindings waiting on them, retry, or dead
 * with its dead letter; an outcome for a lease that expired or went to another owner changes nothing.
 * @returns how many outcomes were written
 */
export function applyOutcomes(s: Statements, outcomes: OperationOutcome[], owner: string, now: number): number {
  let changed = 0;
  for (const outcome of outcomes) {
    const row = s.getOperationLease.get(outcome.id) as { state: string; lease_owner: string | null; attempts: number; destination: string; object: string; record_key: string | null; operation: string } | undefined;
    const step = outcomeTransition(row && { ...row, leaseOwner: row.lease_owner, recordKey: row.record_key }, outcome, owner);
    if (step.kind === 'ignored' || !row) continue;
    if (step.kind === 'done') {
      s.finish.run(step.attempts, step.crmId, now, outcome.id);
      if (step.unlink) s.deleteLink.run(row.destination, step.unlink.object, step.unlink.key);
      for (const link of step.links) learn(s, row.destination, link, now);
      // Operations of this identity waiting for a first record to be their parent: due now.
      if (step.wakeParentWaits) s.wakeParentWaits.run(now, now, row.destination, outcome.id);
      for (const ref of step.unbound) {
        // Written already while this one was: bind at once rather than remember.
        const linked = s.getLink.get(row.destination, ref.object, ref.key) as { crm_id: string } | undefined;
        s.insertBinding.run(row.destination, ref.object, ref.key, outcome.id, ref.field);
        if (linked) bindLater(s, row.destination, { object: ref.object, key: ref.key, crmId: linked.crm_id }, now);
      }
    } else if (step.kind === 'retry') {
      s.retry.run(step.attempts, step.nextAttemptAt, step.outcomeUnknown ? 1 : 0, JSON.stringify(step.lastError), now, outcome.id);
    } else {
      s.kill.run(step.attempts, JSON.stringify(step.lastError), now, outcome.id);
      deadLetterFor(s, outcome.id, step.lastError, now);
    }
    if (step.attempt) s.insertAttempt.run(outcome.id, step.attempt.attempt, now, step.attempt.outcome, step.attempt.error && JSON.stringify(step.attempt.error));
    changed++;
  }
  return changed;
}

/**
 * Gives back every operation `owner` still leases, inside the caller's transaction: pending and due
 * at `now`; looked up before being written again when its write went out (`unknownOnRelease`).
 * @returns how many were given back
 */
export function releaseLeasesOf(s: Statements, owner: string, now: number): number {
  const rows = s.leasesOf.all(owner) as Array<{ id: string; sent_at: number | null; outcome_unknown: number }>;
  for (const row of rows) {
    const unknown = unknownOnRelease({ sentAt: row.sent_at, outcomeUnknown: row.outcome_unknown === 1 });
    s.release.run(now, unknown ? 1 : 0, now, row.id, owner);
  }
  return rows.length;
}

// A record's CRM id is known: kept as a link, and every write that went without it gets its update.
function learn(s: Statements, destination: string, link: LearntLink, now: number): void {
  s.putLink.run(destination, link.object, link.key, link.crmId, now);
  bindLater(s, destination, link, now);
}

// The record now has its CRM id: each write that went without it gets an update setting the
// field, queued behind whatever else is pending for that record (bindLaterOperation).
function bindLater(s: Statements, destination: string, link: LearntLink, now: number): void {
  const waiting = s.bindingsFor.all(destination, link.object, link.key) as Array<{ operation_id: string; field: string }>;
  for (const binding of waiting) {
    const source = s.getOperationForBinding.get(binding.operation_id) as { event_id: string; object: string; record_key: string | null; ordering_key: string } | undefined;
    const update = source && bindLaterOperation(destination, {
      operationId: binding.operation_id, field: binding.field, eventId: source.event_id, object: source.object, recordKey: source.record_key, orderingKey: source.ordering_key,
    }, link.crmId);
    // Queued as the planner's operations are: a tombstoned record's update is kept, never sent.
    if (update) queueOperation(s, update, now);
    s.deleteBinding.run(destination, link.object, link.key, binding.operation_id, binding.field);
  }
}

// A dead operation is a dead letter too (stage `delivery`); replaying it and seeing it die again
// reuses the same letter.
function deadLetterFor(s: Statements, operationId: string, error: Record<string, unknown>, now: number): void {
  const op = s.getOperationForLetter.get(operationId) as (OperationRow & { source: string; delivery_id: string }) | undefined;
  if (!op) return;
  const letter = deliveryDeadLetter({
    id: op.id, destination: op.destination, object: op.object, operation: op.operation, mappingId: op.mapping_id, eventId: op.event_id,
    fields: JSON.parse(op.fields) as Record<string, unknown>, references: JSON.parse(op.refs) as NewOperation['references'],
    ...(op.match_key !== null ? { matchKey: op.match_key } : {}), ...(op.match_value !== null ? { matchValue: op.match_value } : {}),
  }, error);
  const details = JSON.stringify(letter.details);
  if (s.updateOperationLetter.run(letter.reasonCode, letter.reason, details, letter.body, now, operationId).changes > 0) return;
  s.insertOperationLetter.run(letter.id, op.source, op.delivery_id, letter.reasonCode, letter.reason, details, letter.body, now, operationId);
}
