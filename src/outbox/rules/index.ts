// The outbox's rules, as small pure transitions shared by every store: a store persists and
// claims; what queueing, claiming, recording an outcome and giving a lease back mean is decided here.
export { queueDecision, type QueueDecision } from './queue-operation.ts';
export { unknownOnClaim, unknownOnRelease, MERGEABLE_OPERATIONS, type LeaseFacts } from './lease.ts';
export { waitsFor, type WaitFacts } from './waits.ts';
export { selectClaims, type ClaimCandidate, type ClaimSource } from './claim-selection.ts';
export { outcomeTransition, type OutcomeTransition, type LeasedOperation, type AttemptRecord, type LearntLink } from './outcome-transition.ts';
export { bindLaterOperation, BIND_LATER_MAPPING, type UnboundWrite } from './bind-later.ts';
export { deliveryDeadLetter, type DeliveryDeadLetter } from './delivery-dead-letter.ts';
export { shownState } from './shown-state.ts';
export { isInstanceSilent, HEARTBEAT_MS, SILENT_AFTER_MS } from './instances.ts';
