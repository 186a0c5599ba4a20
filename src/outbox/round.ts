import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { OperationOutcome, Store } from '../store/store.ts';
import type { PeopleStore } from '../store/people-store.ts';
import { readRoundBindings } from './bind-references.ts';
import type { ClaimedRound } from './claim-round.ts';
import { noteWriteResults, type ConnectionPolicy } from './connection.ts';
import type { DestinationRuntime } from './dispatcher-types.ts';
import { lookUpRound } from './lookups.ts';
import { deadLetterLine, followerOutcomes, outcomeKind, outcomesOfBatch, retryOutcome, type OutcomeContext, type ResultContext } from './outcomes.ts';
import { planWrites, planner, type PlannedWrite } from './plan-writes.ts';
import type { SentBatch } from './send-batches.ts';
import { heldOperationWaitMs } from './usage-probe.ts';
import { errorSummary } from './write-plan.ts';

// What a round does once it has claimed: bind references, look records up, plan the writes, send
// them (the one step a lane chooses: batches of the live loop, or bulk jobs), record every outcome.
// Shared by the dispatcher's live loop and its bulk lane (bulk-lane.ts), so both record alike.

/** What the rest of a round needs. */
export interface RoundDeps {
  store: Pick<Store, 'readLinks' | 'readFirstRecords' | 'recordOutcomes' | 'markSent'> & { people?: Pick<PeopleStore, 'primaries'> };
  /** This instance's name in leases. */
  owner: string;
  now: () => Date;
  /** The retry schedule and the jitter of outcomes (their `now` is read when they are decided). */
  outcomes: Omit<OutcomeContext, 'now'>;
  /** What a write's results say of the connection (unreachable, back) is noted with it. */
  policy: ConnectionPolicy;
  logger: Pick<Logger, 'warn' | 'error'>;
  metrics?: Pick<Metrics, 'dispatchResults'> | undefined;
}

/** How a lane sends a round's planned writes: every one in exactly one `SentBatch`; never rejects for a failed write. */
export type SendWrites = (writes: readonly PlannedWrite[], context: { markSent: (ids: string[]) => Promise<void> }) => Promise<SentBatch[]>;

/**
 * Plans, sends (by `send`) and records a claimed round of a connected destination (`rt.client`
 * and `rt.catalog` set). Outcomes are recorded in a fixed order whatever order the calls ended in:
 * settled, then each sent batch's, then followers' copies.
 * @returns how many operations the round handled (every one leased)
 * @throws what a look-up the CRM refused threw, after the round's operations went back to the
 *   outbox (retryable, an attempt spent; an unknown outcome stays unknown)
 */
export async function finishRound(rt: DestinationRuntime, claim: Extract<ClaimedRound, { kind: 'claimed' }>, deps: RoundDeps, send: SendWrites): Promise<number> {
  const id = rt.destination.id;
  const client = rt.client!;
  const outcomesNow = (): OutcomeContext => ({ ...deps.outcomes, now: deps.now() });
  const recordOptions = () => ({ owner: deps.owner, now: deps.now() });

  const bindings = await readRoundBindings(deps.store, id, claim.heads);
  const plan = planner(rt.catalog!, bindings);
  let planned: Awaited<ReturnType<typeof planWrites>>;
  try {
    // Every look-up the round needs, made together (lookups.ts); the kit puts each call through the limiter.
    const lookups = await lookUpRound(claim.heads, plan, client);
    planned = await planWrites(claim.heads, { plan, bindings, lookups, outcomes: outcomesNow() });
  } catch (error) {
    // A look-up the CRM refused fails the round before anything is sent: its operations go back to
    // the outbox now (an unknown outcome stays unknown), not when their leases expire.
    const failed = { ...errorSummary(error), class: 'retryable' };
    await deps.store.recordOutcomes(claim.leased.map((op) => retryOutcome(op, { error: failed, spendAttempt: true, outcomeUnknown: op.outcomeUnknown }, outcomesNow())), recordOptions());
    throw error;
  }
  const { settled, writes } = planned;

  // Marked sent, durably, just before the call: after a crash only these are looked up (store.markSent).
  const sent = await send(writes, { markSent: async (ids) => { await deps.store.markSent(ids, recordOptions()); } });
  const outcomes: OperationOutcome[] = [...settled];
  for (const batch of sent) {
    if (batch.results) noteWriteResults(rt, batch.results, deps.policy);
    // A connector is not meant to reject; if one does, its operations are tried again.
    else deps.logger.error({ err: batch.error, destination: id }, 'the connector failed a whole batch');
    const context: ResultContext = { ...outcomesNow(), heldWaitMs: (retryAfterMs) => heldOperationWaitMs(retryAfterMs, rt) };
    outcomes.push(...outcomesOfBatch(batch, context));
  }
  const objectOf = new Map(claim.heads.map((op) => [op.id, op.object]));
  for (const outcome of outcomes) {
    const dead = deadLetterLine(outcome, { object: objectOf.get(outcome.id) ?? '' }, id);
    if (dead) deps.logger.warn(dead.fields, dead.message);
  }
  outcomes.push(...followerOutcomes(outcomes, claim.followers));

  await deps.store.recordOutcomes(outcomes, recordOptions());
  for (const outcome of outcomes) deps.metrics?.dispatchResults.inc({ destination: id, outcome: outcomeKind(outcome) });
  // A pause the round set (quota, budget); an unreachable CRM keeps saying so while it waits.
  if (rt.pausedUntil > deps.now().getTime() && rt.state === 'ready') rt.state = 'paused';
  return claim.leased.length;
}
