import { queueDecision } from '../../outbox/rules/index.ts';
import type { NewOperation, PlannedEvent } from '../store.ts';
import type { Statements } from './statements.ts';

/** What planning reads of an event it queues operations for. */
export interface PlannedEventRow { seq: number; planned_at: number | null; source: string; delivery_id: string; data: string }

/** An event's operations queued, its mapping problems kept as dead letters (stage `mapping`). Inside the caller's transaction. */
export function queuePlan(s: Statements, plan: PlannedEvent, event: PlannedEventRow, now: number): void {
  for (const op of plan.operations) queueOperation(s, op, now);
  for (const problem of plan.problems) {
    s.insertMappingDeadLetter.run(problem.id, event.source, event.delivery_id, problem.problem,
      JSON.stringify({ mappingId: problem.mappingId, eventId: plan.eventId, key: problem.key }), Buffer.from(event.data), now);
  }
}

/** Queues one operation, as the outbox's rule says (`queueDecision`: erasure supersedes and tombstones). */
export function queueOperation(s: Statements, op: NewOperation, now: number): void {
  const tombstoned = op.recordKey !== undefined && op.operation !== 'delete' && s.isTombstoned.get(op.destination, op.object, op.recordKey) !== undefined;
  const decision = queueDecision(op, tombstoned);
  if (decision.supersedePending) s.supersede.run(now, op.destination, op.object, op.recordKey);
  if (decision.tombstone) s.tombstone.run(op.destination, op.object, op.recordKey, now);
  s.insertOperation.run(op.id, op.eventId, op.mappingId, op.destination, op.object, op.operation, op.matchKey ?? null, op.matchValue ?? null,
    op.recordKey ?? null, op.orderingKey, JSON.stringify(op.fields), JSON.stringify(op.references), decision.state, now, now, now, op.mappingVersion ?? null);
}
