import { deadLetterReasons } from '../../errors.ts';
import type { OperationOutcome } from '../store.ts';
import type { OperationRow } from './rows.ts';
import type { Statements } from './statements.ts';

/**
 * `recordOutcomes`, inside the caller's transaction: each outcome of an operation this owner still
 * leases is written (done with its link and the bindings waiting on it, retry, or dead with its
 * dead letter). An outcome for a lease that expired or went to another owner changes nothing.
 * @returns how many outcomes were written
 */
export function applyOutcomes(s: Statements, outcomes: OperationOutcome[], owner: string, now: number): number {
  let changed = 0;
  for (const outcome of outcomes) {
    const row = s.getOperationLease.get(outcome.id) as { state: string; lease_owner: string | null; attempts: number; destination: string; object: string; record_key: string | null; operation: string } | undefined;
    if (!row || row.state !== 'leased' || row.lease_owner !== owner) continue;
    const attempt = outcome.outcome === 'retry' && !outcome.spendAttempt ? row.attempts : row.attempts + 1;
    if (outcome.outcome === 'done') {
      s.finish.run(attempt, outcome.crmId, now, outcome.id);
      if (row.record_key !== null) {
        if (row.operation === 'delete') s.deleteLink.run(row.destination, row.object, row.record_key);
        else {
          s.putLink.run(row.destination, row.object, row.record_key, outcome.crmId, now);
          bindLater(s, row.destination, row.object, row.record_key, outcome.crmId, now);
        }
        // Operations of this identity waiting for a first record to be their parent: due now.
        s.wakeParentWaits.run(now, now, row.destination, outcome.id);
      }
      for (const link of outcome.links ?? []) {
        s.putLink.run(row.destination, link.object, link.key, link.crmId, now);
        bindLater(s, row.destination, link.object, link.key, link.crmId, now);
      }
      for (const ref of outcome.unbound ?? []) {
        // Written already while this one was: bind at once rather than remember.
        const linked = s.getLink.get(row.destination, ref.object, ref.key) as { crm_id: string } | undefined;
        s.insertBinding.run(row.destination, ref.object, ref.key, outcome.id, ref.field);
        if (linked) bindLater(s, row.destination, ref.object, ref.key, linked.crm_id, now);
      }
      s.insertAttempt.run(outcome.id, attempt, now, 'done', null);
    } else if (outcome.outcome === 'retry') {
      s.retry.run(attempt, outcome.nextAttemptAt.getTime(), outcome.outcomeUnknown ? 1 : 0, JSON.stringify(outcome.error), now, outcome.id);
      if (outcome.spendAttempt) s.insertAttempt.run(outcome.id, attempt, now, String(outcome.error.class ?? 'retryable'), JSON.stringify(outcome.error));
    } else {
      s.kill.run(attempt, JSON.stringify(outcome.error), now, outcome.id);
      s.insertAttempt.run(outcome.id, attempt, now, String(outcome.error.class ?? 'permanent'), JSON.stringify(outcome.error));
      deadLetterFor(s, outcome.id, outcome.error, now);
    }
    changed++;
  }
  return changed;
}


// The record (object, key) now has CRM id `crmId`: every write that went without it gets an
// update setting the field, queued behind whatever else is pending for that record.
function bindLater(s: Statements, destination: string, object: string, key: string, crmId: string, now: number): void {
  const waiting = s.bindingsFor.all(destination, object, key) as Array<{ operation_id: string; field: string }>;
  for (const binding of waiting) {
    const source = s.getOperationForBinding.get(binding.operation_id) as { event_id: string; object: string; record_key: string | null; ordering_key: string } | undefined;
    if (source?.record_key) {
      s.insertOperation.run(`${binding.operation_id}:${binding.field}`, source.event_id, 'parley:bind-later', destination, source.object, 'update', null, null,
        source.record_key, source.ordering_key, JSON.stringify({ [binding.field]: crmId }), '[]', 'pending', now, now, now);
    }
    s.deleteBinding.run(destination, object, key, binding.operation_id, binding.field);
  }
}

// A dead operation is a dead letter too (stage `delivery`), listed with the others; its body is
// the write as planned. Replaying it again later reuses the same letter.
function deadLetterFor(s: Statements, operationId: string, error: Record<string, unknown>, now: number): void {
  const op = s.getOperationForLetter.get(operationId) as (OperationRow & { source: string; delivery_id: string }) | undefined;
  if (!op) return;
  const reasonCode = String(error.code ?? deadLetterReasons.UNKNOWN.code);
  const reason = String(error.message ?? reasonCode);
  const details = JSON.stringify({ destination: op.destination, object: op.object, operation: op.operation, mappingId: op.mapping_id, eventId: op.event_id, error });
  const body = Buffer.from(JSON.stringify({ fields: JSON.parse(op.fields) as unknown, references: JSON.parse(op.refs) as unknown, matchKey: op.match_key, matchValue: op.match_value }));
  if (s.updateOperationLetter.run(reasonCode, reason, details, body, now, operationId).changes > 0) return;
  s.insertOperationLetter.run(`dl-${operationId}`, op.source, op.delivery_id, reasonCode, reason, details, body, now, operationId);
}

