import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import type { PendingDelivery, Store } from '../store/store.ts';
import { createDeriver, pace } from './deriver.ts';

const saturated = { chunk: 16, share: 0.05, maxLagMs: 30_000, lagShare: 0.5 };

describe('derivation pacing', () => {
  it('runs full steps back to back while intake is quiet', () => {
    expect(pace({ busy: false, lagMs: 100_000, lastStepMs: 10 }, 64, saturated)).toEqual({ limit: 64, delayMs: 0 });
  });

  it('takes a small share of the loop while webhooks keep arriving', () => {
    // A 2 ms step at a 5 % share waits 38 ms.
    const next = pace({ busy: true, lagMs: 1_000, lastStepMs: 2 }, 64, saturated);
    expect(next.limit).toBe(16);
    expect(next.delayMs).toBeCloseTo(38);
  });

  it('takes a larger share once it lags too far behind', () => {
    expect(pace({ busy: true, lagMs: 31_000, lastStepMs: 2 }, 64, saturated).delayMs).toBeCloseTo(2);
  });

  it('never schedules a busy step with no pause', () => {
    expect(pace({ busy: true, lagMs: 0, lastStepMs: 0 }, 64, saturated).delayMs).toBe(1);
  });
});

describe('the deriver while intake goes quiet', () => {
  it('ends a paced pause as soon as webhooks stop arriving, however long the last step took', async () => {
    // A store whose steps take 40 ms: at a 0.1 % share the paced pause after one would be 40 s.
    const pending: PendingDelivery[] = Array.from({ length: 3 }, (_, i) => ({ id: `d${i}`, source: 'gone', body: Buffer.from('{}'), headers: {}, receivedAt: new Date() }) as unknown as PendingDelivery);
    const derived: string[] = [];
    const store = {
      readPendingDeliveries: async (limit: number) => { await new Promise((r) => setTimeout(r, 40)); return pending.filter((d) => !derived.includes(d.id)).slice(0, limit); },
      commitDerived: async (batch: Array<{ delivery: PendingDelivery }>) => { for (const b of batch) derived.push(b.delivery.id); return batch.map(() => ({ type: 'dead-letter', stored: true })); },
    } as unknown as Store;
    const deriver = createDeriver({
      store, sources: [], metrics: createMetrics(), logger: createLogger('silent'), now: () => new Date(), newId: () => 'id',
      dedupWindowMs: 1000, saturated: { chunk: 1, share: 0.001 },
    });
    try {
      // Webhooks arriving (a notify every 10 ms) while the first step runs: the next is paced.
      const busy = setInterval(() => deriver.notify(), 10);
      deriver.notify();
      await new Promise((r) => setTimeout(r, 60));
      clearInterval(busy);
      const quietAt = Date.now();
      while (derived.length < 3 && Date.now() - quietAt < 5_000) await new Promise((r) => setTimeout(r, 20));
      // Without the early end, d1 and d2 would wait the 40 s pause.
      expect(derived).toEqual(['d0', 'd1', 'd2']);
    } finally {
      await deriver.stop();
    }
  });
});
