/**
 * Leases: who holds an operation while its write is out, and what is known of an earlier attempt.
 * A lease that expired after its write went out (`sentAt`) was in flight when its dispatcher died:
 * whether the CRM took it is unknown, so it is looked up before being written again. One claimed
 * but never sent is simply sent. Once unknown, an outcome stays unknown until the operation is done.
 */

/** What a claim reads of an operation to decide whether its outcome is unknown. */
export interface LeaseFacts {
  state: string;
  /** Epoch ms when the current lease's write was sent, or null. */
  sentAt: number | null;
  outcomeUnknown: boolean;
}

/** Whether an operation claimed now must be looked up before it is written again. */
export function unknownOnClaim(row: LeaseFacts): boolean {
  return (row.state === 'leased' && row.sentAt !== null) || row.outcomeUnknown;
}

/** Whether an operation given back (`releaseLeases`, an instance reaped) must be looked up before it is written again. */
export function unknownOnRelease(row: Pick<LeaseFacts, 'sentAt' | 'outcomeUnknown'>): boolean {
  return row.sentAt !== null || row.outcomeUnknown;
}

/** Operations whose consecutive writes to one record can be merged into one (claimed together). */
export const MERGEABLE_OPERATIONS: ReadonlySet<string> = new Set(['upsert', 'update']);
