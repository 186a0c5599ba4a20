import { describe, expect, it } from 'vitest';
import type { StoredResync } from '../store/resync-store.ts';
import { resyncView } from './progress.ts';

const job = (extra: Partial<StoredResync>): StoredResync => ({
  id: 'r1', scope: { identity: 'x:1' }, destinations: ['salesforce'], mode: 'from-store', requestedBy: 'ops', state: 'running',
  createdAt: '2026-12-01T00:00:00.000Z', startedAt: '2026-12-01T00:00:00.000Z', events: { done: 0 }, planningDone: false,
  counts: { planned: 0, written: 0, failed: 0, skipped: 0, queued: 0 }, ...extra,
});
const at = (seconds: number) => new Date(Date.parse('2026-12-01T00:00:00.000Z') + seconds * 1000);

describe('a resync\'s rate and ETA', () => {
  it('has neither before anything ended, and never shows its cursor', () => {
    const view = resyncView(job({ state: 'queued', startedAt: undefined, cursor: '12' }), at(5));
    expect(view).toMatchObject({ ratePerSecond: null, etaSeconds: null });
    expect(view).not.toHaveProperty('cursor');
  });

  it('counts what is queued, and while planning the operations the events left will make', () => {
    // 100 of 1,000 events planned into 200 operations, 150 of them ended in 10 s: 15/s;
    // left: 50 queued + 900 events × 2 = 1,850 → 124 s.
    const view = resyncView(job({ events: { done: 100, total: 1_000 }, counts: { planned: 200, written: 140, failed: 5, skipped: 5, queued: 50 } }), at(10));
    expect(view.ratePerSecond).toBe(15);
    expect(view.etaSeconds).toBe(124);
  });

  it('is over once planning is done and nothing is queued, and 0 once ended, the rate kept over its running time', () => {
    expect(resyncView(job({ planningDone: true, events: { done: 10, total: 10 }, counts: { planned: 20, written: 20, failed: 0, skipped: 0, queued: 10 } }), at(4)).etaSeconds).toBe(2);
    const done = resyncView(job({ state: 'done', finishedAt: at(8).toISOString(), planningDone: true, counts: { planned: 20, written: 18, failed: 2, skipped: 0, queued: 0 } }), at(100));
    expect(done).toMatchObject({ ratePerSecond: 2.5, etaSeconds: 0 });
  });
});
