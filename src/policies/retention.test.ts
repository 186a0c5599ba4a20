import { describe, expect, it } from 'vitest';
import type { CanonicalData } from '../model/index.ts';
import type { RetentionEvent } from '../store/retention-store.ts';
import { dueDeadLetters, dueDeliveries, dueEvents, dueOperations, retentionCutoffs } from './retention.ts';
import { PoliciesConfig } from './policy-schema.ts';

const DAY = 86_400_000;
const now = new Date('2026-12-01T00:00:00.000Z');
const before = now.getTime() - 30 * DAY;

describe('what retention finds due', () => {
  it('cuts off each kind of row its own age before now; a kind the policy leaves out is kept', () => {
    const policy = PoliciesConfig.parse({ retention: { events: '365d', deliveries: '30d' } }).retention;
    expect(retentionCutoffs(policy, now)).toEqual({ events: now.getTime() - 365 * DAY, deliveries: before });
  });

  it('deliveries: the derived ones stored before the cut-off, stopping at the first younger or pending one', () => {
    const rows = [
      { seq: 1, receivedAt: before - 2, derived: true }, { seq: 2, receivedAt: before - 1, derived: true },
      { seq: 3, receivedAt: before, derived: true }, { seq: 4, receivedAt: before - 5, derived: true },
    ];
    expect(dueDeliveries(rows, before, 10)).toEqual({ due: [1, 2], done: true, nextSeq: 3 });
    expect(dueDeliveries([{ seq: 1, receivedAt: before - 1, derived: false }], before, 10)).toEqual({ due: [], done: true, nextSeq: 1 });
    // A full page all due: there may be more after it.
    expect(dueDeliveries(rows.slice(0, 2), before, 2)).toEqual({ due: [1, 2], done: false, nextSeq: 2 });
  });

  it('dead letters: intake ones with the deliveries, mapping ones with the events, delivery ones never (their operation\'s policy takes them)', () => {
    const letter = (seq: number, stage: 'intake' | 'mapping' | 'delivery', createdAt: number) => ({ seq, stage, createdAt });
    const events = before - 10 * DAY;
    const rows = [letter(1, 'intake', events - 1), letter(2, 'mapping', events - 1), letter(3, 'delivery', events - 1), letter(4, 'mapping', before - 1), letter(5, 'intake', before - 1), letter(6, 'intake', before)];
    expect(dueDeadLetters(rows, { deliveries: before, events }, 10)).toEqual({ due: [1, 2, 5], done: true, nextSeq: 6 });
    expect(dueDeadLetters(rows, { deliveries: before }, 10)).toEqual({ due: [1, 5], done: true, nextSeq: 6 });
    expect(dueDeadLetters(rows.slice(0, 2), { events }, 2)).toEqual({ due: [2], done: false, nextSeq: 2 });
  });

  const identity = (userId: string, extra: Record<string, unknown> = {}) => ({ kind: 'identity', network: 'x', userId, key: `x:${userId}`, observedAt: '2025-01-01T00:00:00.000Z', ...extra }) as CanonicalData;
  const event = (seq: number, receivedAt: number, held = false, data = identity(String(seq), { location: 'Berlin' })): RetentionEvent => ({ seq, id: `e${seq}`, receivedAt, held, data });

  it('events: the old ones nothing holds are deleted; held ones wait; the page stops at the first young one', () => {
    const rows = [event(1, before - 3), event(2, before - 2, true), event(3, before - 1), event(4, before), event(5, before - 9)];
    expect(dueEvents(rows, before, 'delete', 10)).toEqual({ due: [{ id: 'e1' }, { id: 'e3' }], done: true, nextSeq: 4 });
  });

  it('events, anonymised: rewritten without personal fields; one already anonymous is settled, and the watermark stops at a held one', () => {
    const rows = [event(1, before - 5, false, identity('1')), event(2, before - 4), event(3, before - 3, false, identity('3')), event(4, before - 2, true), event(5, before - 1, false, identity('5'))];
    const page = dueEvents(rows, before, 'anonymise', 5);
    expect(page.due).toEqual([{ id: 'e2', data: identity('2') }]);
    expect(page).toMatchObject({ done: false, nextSeq: 5, settledSeq: 1 });
    expect(dueEvents([event(1, before - 5, false, identity('1')), event(2, before - 4, false, identity('2'))], before, 'anonymise', 5)).toMatchObject({ due: [], done: true, settledSeq: 2 });
  });

  it('operations: ended ones last changed before the cut-off, not blank yet; the page stops at one planned after it', () => {
    const op = (seq: number, o: { ended?: boolean; blank?: boolean; createdAt?: number; updatedAt?: number }) =>
      ({ seq, id: `o${seq}`, ended: o.ended ?? true, blank: o.blank ?? false, createdAt: o.createdAt ?? before - 10, updatedAt: o.updatedAt ?? before - 1 });
    const rows = [op(1, { blank: true }), op(2, {}), op(3, { ended: false }), op(4, { updatedAt: before }), op(5, {}), op(6, { createdAt: before })];
    expect(dueOperations(rows, before, 10)).toEqual({ due: ['o2', 'o5'], done: true, nextSeq: 6, settledSeq: 1 });
  });
});
