import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PendingDelivery, Store } from '../store/store.ts';
import { leadGatedStore } from './lead-gated-store.ts';
import { startPresence } from './presence.ts';

const silent = pino({ level: 'silent' });

/** A store with private state, as real ones have: a gated copy must still reach it. */
class FakeStore {
  readonly #pending: PendingDelivery[] = [{ id: 'd1', position: 1, source: 'x', receivedAt: new Date(0), contentType: 'application/json', body: Buffer.from('{}') }];
  lead = false;
  heartbeats: Array<{ instance: string; roles: string[] }> = [];
  reaps = 0;
  failHeartbeat = false;
  reaped: Array<{ instance: string; released: number }> = [];
  async holdsLead() { return this.lead; }
  async readPendingDeliveries() { return this.#pending; }
  async countPendingDeliveries() { return this.#pending.length; }
  async readUnplannedEvents() { return [{ id: 'e1' }]; }
  async heartbeat(instance: string, options: { roles: string[] }) {
    if (this.failHeartbeat) throw new Error('connection refused');
    this.heartbeats.push({ instance, roles: options.roles });
  }
  async reapInstances() { this.reaps++; return this.reaped.splice(0); }
}
const asStore = (s: FakeStore) => s as unknown as Store;

describe('work that runs in one place at a time', () => {
  it('the deriver reads nothing pending while another instance holds the lead, and everything once it does', async () => {
    const store = new FakeStore();
    const gated = leadGatedStore(asStore(store), 'derive');
    expect(await gated.readPendingDeliveries(10)).toEqual([]);
    store.lead = true;
    expect((await gated.readPendingDeliveries(10)).map((d) => d.id)).toEqual(['d1']);
  });
  it('only the reads that start a step are gated: the rest reach the store itself', async () => {
    const store = new FakeStore();
    const gated = leadGatedStore(asStore(store), 'derive');
    expect(await gated.countPendingDeliveries()).toBe(1);
    expect(await gated.readUnplannedEvents(10)).toEqual([{ id: 'e1' }]);
    expect(await leadGatedStore(asStore(store), 'plan').readUnplannedEvents(10)).toEqual([]);
  });
});

describe('an instance\'s presence', () => {
  afterEach(() => { vi.useRealTimers(); });
  const flush = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

  it('says it is alive every heartbeat; a dispatcher also reaps silent instances and says so', async () => {
    vi.useFakeTimers();
    const store = new FakeStore();
    const reaped = vi.fn();
    const stop = startPresence({ store: asStore(store), instance: 'me', roles: ['dispatcher'], now: () => new Date(), logger: silent, onReaped: reaped, heartbeatMs: 1_000 });
    await flush();
    expect(store.heartbeats).toEqual([{ instance: 'me', roles: ['dispatcher'] }]);
    store.reaped.push({ instance: 'dead', released: 4 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.heartbeats).toHaveLength(2);
    expect(reaped).toHaveBeenCalledWith([{ instance: 'dead', released: 4 }]);
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(store.heartbeats).toHaveLength(2);
  });

  it('an instance without the dispatcher role reaps nobody (it has no dispatcher to take the work)', async () => {
    vi.useFakeTimers();
    const store = new FakeStore();
    const stop = startPresence({ store: asStore(store), instance: 'me', roles: ['intake'], now: () => new Date(), logger: silent, heartbeatMs: 1_000 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(store.heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(store.reaps).toBe(0);
    stop();
  });

  it('a failing heartbeat is logged once per outage and retried, and it still polls for work', async () => {
    vi.useFakeTimers();
    const store = new FakeStore();
    store.failHeartbeat = true;
    const warn = vi.fn();
    const info = vi.fn();
    const tick = vi.fn();
    const logger = { ...silent, warn, info } as unknown as typeof silent;
    const stop = startPresence({ store: asStore(store), instance: 'me', roles: ['dispatcher'], now: () => new Date(), logger, onTick: tick, heartbeatMs: 1_000 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(tick.mock.calls.length).toBeGreaterThanOrEqual(3);
    store.failHeartbeat = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(info).toHaveBeenCalledWith({ instance: 'me' }, 'heartbeat recorded again');
    stop();
  });
});
