import type { ErasureDestination, StoredErasure } from './erasure-store.ts';

// An `erasures` row as both stores keep it, and its progress from the deletes it queued.

export interface ErasureRow {
  id: string;
  person_id: string;
  requested_by: string;
  state: StoredErasure['state'];
  requested_at: number | string;
  finished_at: number | string | null;
  identities: number | string;
  purge: string;
  removed: string;
}

/**
 * Progress per destination from `SELECT destination, state, COUNT(*) … GROUP BY destination, state`
 * over the erasure's deletes; a destination with nothing to delete is `done` with zeros.
 */
export function toStoredErasure(row: ErasureRow, byState: ReadonlyArray<{ destination: string; state: string; n: number | string }>): StoredErasure {
  const purge = JSON.parse(row.purge) as Record<string, 'hard' | 'soft'>;
  const destinations: Record<string, ErasureDestination> = {};
  for (const [name, how] of Object.entries(purge)) destinations[name] = { planned: 0, deleted: 0, failed: 0, queued: 0, state: 'done', purge: how };
  for (const { destination, state, n } of byState) {
    const d = destinations[destination] ??= { planned: 0, deleted: 0, failed: 0, queued: 0, state: 'done', purge: 'soft' };
    const count = Number(n);
    d.planned += count;
    if (state === 'done' || state === 'superseded') d.deleted += count;
    else if (state === 'dead') d.failed += count;
    else d.queued += count;
  }
  for (const d of Object.values(destinations)) d.state = d.queued > 0 ? 'running' : d.failed > 0 ? 'failed' : 'done';
  return {
    id: row.id, personId: row.person_id, requestedBy: row.requested_by, state: row.state,
    requestedAt: new Date(Number(row.requested_at)).toISOString(),
    ...(row.finished_at !== null ? { finishedAt: new Date(Number(row.finished_at)).toISOString() } : {}),
    identities: Number(row.identities), destinations, removed: JSON.parse(row.removed) as StoredErasure['removed'],
  };
}
