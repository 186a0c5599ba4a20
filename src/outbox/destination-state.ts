import { errors } from '../errors.ts';

/** A destination's state (ARCHITECTURE.md, "Outbound calls"). */
export type DestinationState = 'connecting' | 'ready' | 'paused' | 'misconfigured' | 'unreachable';

/** Every state, for metrics that set one gauge per state. */
export const DESTINATION_STATES: readonly DestinationState[] = ['connecting', 'ready', 'paused', 'misconfigured', 'unreachable'];

/** What each state asks of an operator (see `actionFor` for a mapping that does not fit). */
export const ACTIONS: Record<DestinationState, string> = {
  connecting: 'none: the first connection is being made',
  ready: 'none',
  paused: 'none: operations wait for the CRM\'s API quota (see lastError and usage), read every usageProbeSeconds; it resumes by itself once budget is back; lower budgetReserve to use more of it',
  misconfigured: 'fix the destination\'s config, credentials or mapping named in lastError; it is tried again every 30 s',
  unreachable: 'none if it passes: retried with backoff; if it persists, check the URL, DNS, firewall or proxy to the host in lastError',
};


/** What an operator should do, from the state and the code of the last error. */
export function actionFor(state: DestinationState, lastErrorCode: string | undefined): string {
  // A mapping is checked against the catalog once, when the destination is first reached: fixing it needs a restart.
  if (state === 'misconfigured' && lastErrorCode === errors.MAPPING_INVALID.code) return 'fix the mapping named in lastError, then restart Parley; nothing is sent to this destination until then';
  return ACTIONS[state];
}
