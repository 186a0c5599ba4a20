/**
 * How long the dispatcher lingers after a round that filled less than a batch: the freshness budget
 * spent on fuller calls. A CRM's daily API allowance is the scarce thing (ARCHITECTURE.md, Scale):
 * a trickle sent as it comes takes a call per record or two, while waiting a little lets the
 * operations planned meanwhile share the next call.
 *
 * The budget is the p99 a record may take from its 200 at intake to the CRM. Three fifths of it
 * are spent waiting: an operation planned just after a round waits at most one linger, then one
 * call; the rest is left for deriving, planning, the call itself and its retries inside the call
 * (measured at 20 tweets/s with 50 ms calls: about 0.3 s). A backlog never waits: a round that
 * filled a batch is followed at once by the next.
 *
 * @param freshnessMs the budget, ms (`outbox.freshnessMs`, default 2000)
 * @param lingerMs an explicit linger (`outbox.lingerMs`), which wins when set
 * @returns the wait after a partial round, ms
 */
export function lingerAfterPartialRound(freshnessMs: number, lingerMs?: number): number {
  if (lingerMs !== undefined) return lingerMs;
  return Math.max(0, Math.floor(freshnessMs * 0.6));
}
