import type { CatalogObject, ObjectCatalog, WriteBatch, WriteOperation } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import type { OperationOutcome, StoredOperation } from '../store/store.ts';
import { bindReferences, type ParentLink, type RoundBindings, type UnboundReference } from './bind-references.ts';
import type { RoundLookups } from './lookups.ts';
import { codeAndMessage, retryOutcome, type OutcomeContext } from './outcomes.ts';
import { planWrite, type WritePlan } from './write-plan.ts';

// A round's writes: how each claimed operation is written (or why it is not), then the batches
// they go in. No I/O but the round's look-ups, which are made ahead (lookups.ts).

/** One operation's write, ready to go in a batch. */
export interface PlannedWrite {
  op: StoredOperation;
  operation: WriteBatch['operation'];
  /** `upsert`: the field the CRM matches on. */
  matchKey?: string;
  write: WriteOperation;
  /** `later` references written without: recorded with a done outcome. */
  unbound?: UnboundReference[];
  /** The parent a `match` rule found: recorded with a done outcome. */
  links?: ParentLink[];
}

/** One write call: the batch, and the planned writes it carries, in the batch's order. */
export interface PlannedBatch {
  batch: WriteBatch;
  writes: PlannedWrite[];
}

/** A round's plan: operations settled without a write (done, or held back), and the writes to send. */
export interface RoundPlan {
  settled: OperationOutcome[];
  writes: PlannedWrite[];
}

/** How the round plans one operation (write-plan.ts `planWrite` against the catalog and the links); also what lookups.ts foresees look-ups with. */
export type PlanOne = (op: StoredOperation, lookups: Parameters<typeof planWrite>[3]) => Promise<WritePlan>;

/** The round's planning of one operation, from the destination's catalog and the round's links. */
export function planner(catalog: ObjectCatalog, bindings: RoundBindings): PlanOne {
  // The first object of a name, as a search of the list would find it.
  const objects = new Map<string, CatalogObject>();
  for (const object of catalog.objects) if (!objects.has(object.name)) objects.set(object.name, object);
  return (op, lookups) => planWrite(op, objects.get(op.object), bindings.linkOf(op.object, op.recordKey), lookups);
}

/**
 * Plans a round's operations in order. An operation already done (a create whose lost write did
 * land) or gone (a delete with nothing to delete) is settled done; an update with no record yet is
 * retried (`PARLEY_OUTBOX_RECORD_NOT_FOUND`, an attempt spent); one whose parent must be the
 * identity's first record, not written yet, waits the schedule's longest step without spending an
 * attempt (`PARLEY_OUTBOX_PARENT_MISSING`: the store wakes it when that record is written); the
 * others are writes with their references bound (bind-references.ts).
 */
export async function planWrites(ops: readonly StoredOperation[], round: { plan: PlanOne; bindings: RoundBindings; lookups: RoundLookups; outcomes: OutcomeContext }): Promise<RoundPlan> {
  const settled: OperationOutcome[] = [];
  const writes: PlannedWrite[] = [];
  for (const op of ops) {
    const plan = await round.plan(op, round.lookups);
    if (plan.kind === 'done') { settled.push({ id: op.id, outcome: 'done', crmId: plan.crmId }); continue; }
    if (plan.kind === 'wait') { settled.push(retryOutcome(op, { error: plan.error, spendAttempt: true }, round.outcomes)); continue; }
    const binding = await bindReferences(op, plan.operation, round.bindings, round.lookups);
    if (binding.kind === 'parent-missing') {
      const error = codeAndMessage(errors.OUTBOX_PARENT_MISSING({ object: binding.reference.object, field: binding.reference.field }));
      settled.push(retryOutcome(op, { error, spendAttempt: false, waitMs: round.outcomes.schedule.stepsMs.at(-1) }, round.outcomes));
      continue;
    }
    const write: WriteOperation = { id: op.id, fields: binding.fields, ...(plan.recordId ? { recordId: plan.recordId } : {}), ...(op.matchValue ? { matchValue: op.matchValue } : {}) };
    writes.push({
      op, operation: plan.operation, ...(plan.matchKey ? { matchKey: plan.matchKey } : {}), write,
      ...(binding.unbound ? { unbound: binding.unbound } : {}), ...(binding.links ? { links: binding.links } : {}),
    });
  }
  return { settled, writes };
}

/**
 * Groups writes into batches: one group per object, operation and match key, in the order each
 * group's first write comes; each group cut into batches of at most `maxBatchSize`, keeping the
 * writes' order. Pure.
 */
export function batchWrites(writes: readonly PlannedWrite[], maxBatchSize: number): PlannedBatch[] {
  // The registry refuses a limit below 1; a batch of at least one write keeps the loop finite regardless.
  const size = Math.max(1, maxBatchSize);
  const groups = new Map<string, PlannedWrite[]>();
  for (const write of writes) {
    const key = `${write.op.object}\u0000${write.operation}\u0000${write.matchKey ?? ''}`;
    const group = groups.get(key) ?? groups.set(key, []).get(key)!;
    group.push(write);
  }
  const batches: PlannedBatch[] = [];
  for (const group of groups.values()) {
    const { op, operation, matchKey } = group[0]!;
    for (let start = 0; start < group.length; start += size) {
      const chunk = group.slice(start, start + size);
      batches.push({ batch: { object: op.object, operation, ...(matchKey ? { matchKey } : {}), operations: chunk.map((w) => w.write) }, writes: chunk });
    }
  }
  return batches;
}
