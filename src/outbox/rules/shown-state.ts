import { WAITING_CODES, type OperationState } from '../../store/store.ts';

/**
 * The state shown to operators: a pending operation whose last error is a wait on something outside
 * Parley's control (`WAITING_CODES`) is `waiting`, so that "pending does not drain" stays a real alarm.
 */
export function shownState(state: OperationState, lastError: Record<string, unknown> | undefined): OperationState {
  return state === 'pending' && typeof lastError?.code === 'string' && WAITING_CODES.includes(lastError.code) ? 'waiting' : state;
}
