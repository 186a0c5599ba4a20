import { describe, expect, it } from 'vitest';
import { closeIfDue, closesAt, countAt, observe, type WindowChange, type WindowRule, type WindowState } from './window.ts';

const S = 1000, M = 60 * S;
const burstRule: WindowRule = { windowMs: 10 * M, count: 50, below: 10, quietForMs: 10 * M };

/** Feeds events at the given times (ms), each observed at its own time (a fake clock that follows them). */
function feed(rule: WindowRule, times: number[], start: WindowState | undefined = undefined, options: { now?: (t: number) => number } = {}) {
  let state = start;
  let n = 0;
  const changes: WindowChange[] = [];
  for (const t of times) {
    const id = `e${t}`;
    const result = observe(rule, state, { t, id, post: `p${t}`, order: 'x:1', text: `text ${t}` }, { now: options.now?.(t) ?? t, newId: () => `i${++n}-${t}` });
    state = result.state;
    changes.push(...result.changes);
  }
  return { state: state!, changes };
}
const every = (from: number, count: number, stepMs: number) => Array.from({ length: count }, (_, i) => from + i * stepMs);
const types = (changes: WindowChange[]) => changes.map((c) => c.type);

describe('a crisis window', () => {
  it('opens exactly one incident when the 50th matching event falls within 10 minutes, with the window\'s 50 posts to link', () => {
    const { state, changes } = feed(burstRule, every(0, 50, 10 * S));
    expect(types(changes)).toEqual(['open']);
    const open = changes[0] as Extract<WindowChange, { type: 'open' }>;
    expect(open.incident).toMatchObject({ openedAt: 490 * S, openedCount: 50, peakCount: 50, linked: 50, triggerEventId: 'e490000' });
    expect(open.posts.map((p) => p.id)).toEqual(every(0, 50, 10 * S).map((t) => `e${t}`));
    expect(state.incident?.id).toBe(open.incident.id);
  });

  it('stays closed when as many events are spread thinner than the window', () => {
    // One every 13 s: 600 s / 13 s ≈ 46 in any 10 minutes.
    const { changes, state } = feed(burstRule, every(0, 120, 13 * S));
    expect(changes).toEqual([]);
    expect(countAt(state.entries, 119 * 13 * S, 10 * M)).toBe(47);
  });

  it('links every later match to the open incident instead of opening another, and counts the peak', () => {
    const first = feed(burstRule, every(0, 50, 10 * S));
    const openId = first.state.incident!.id;
    const { changes, state } = feed(burstRule, every(500 * S, 20, 1 * S), first.state);
    expect(types(changes)).toEqual(Array(20).fill('link'));
    expect(new Set(changes.map((c) => c.incident.id))).toEqual(new Set([openId]));
    expect(state.incident).toMatchObject({ linked: 70, peakCount: 70 });
  });

  it('closes at the exact moment the count stayed below `below` for quietFor, however often it is looked at', () => {
    const { state } = feed(burstRule, every(0, 60, 10 * S)); // 0 s … 590 s
    // The 10th newest event is at 500 s: from 1100 s fewer than 10 are in the window; quiet 10 minutes more.
    expect(closesAt(burstRule, state)).toBe(1700 * S);
    expect(closeIfDue(burstRule, state, 1699 * S).change).toBeUndefined();
    const closed = closeIfDue(burstRule, state, 5000 * S);
    expect(closed.change).toMatchObject({ type: 'close', closedAt: 1700 * S });
    expect(closed.state.incident).toBeUndefined();
  });

  it('stays open while a trickle keeps the count at `below` or more, then opens a new incident for a later burst', () => {
    const burst = feed(burstRule, every(0, 50, 10 * S));
    const firstId = burst.state.incident!.id;
    // 12 per 10 minutes for an hour: never below 10.
    const trickle = feed(burstRule, every(500 * S, 72, 50 * S), burst.state);
    expect(types(trickle.changes).every((t) => t === 'link')).toBe(true);
    const later = feed(burstRule, every(20_000 * S, 50, 1 * S), trickle.state);
    expect(types(later.changes)).toEqual(['close', 'open']);
    expect(later.changes[1]!.incident.id).not.toBe(firstId);
    expect(later.changes[0]!.incident.id).toBe(firstId);
  });

  it('does not count an event that arrives later than the window (a backfill), but links it to an open incident', () => {
    const rule = { ...burstRule };
    const late = feed(rule, every(0, 60, 1 * S), undefined, { now: () => 3 * 3600 * S });
    expect(late.changes).toEqual([]);
    const open = feed(rule, every(0, 50, 1 * S));
    const linked = feed(rule, [10 * S], open.state, { now: () => 11 * M });
    expect(types(linked.changes)).toEqual(['link']);
  });

  describe('with a baseline', () => {
    const rule: WindowRule = { windowMs: 10 * M, baseline: { factor: 5, ms: 60 * M, minCount: 10 }, quietForMs: 10 * M };

    it('opens at 5× the average per window over the hour before, once the group was watched for that hour', () => {
      const usual = feed(rule, every(0, 14, 5 * M)); // one every 5 minutes, 0 … 65 min
      expect(usual.changes).toEqual([]);
      const { changes } = feed(rule, every(70 * M, 10, 5 * S), usual.state);
      // The hour before the window holds 12 (2 per 10 minutes); the window the one at 65 min and the
      // burst: 5 × 2 = 10 is reached on the burst's 9th event.
      expect(types(changes)).toEqual(['open', 'link']);
      expect(changes[0]!.incident.openedCount).toBe(10);
    });

    it('waits until the baseline has data: a group seen for less than an hour, or quiet in it, opens nothing by the factor', () => {
      const young = feed(rule, every(0, 4, 10 * M)); // 30 minutes old
      expect(feed(rule, every(31 * M, 30, 1 * S), young.state).changes).toEqual([]);
      expect(feed(rule, every(0, 30, 1 * S)).changes).toEqual([]);
    });

    it('closes by default below half the count it opened with', () => {
      const usual = feed(rule, every(0, 14, 5 * M));
      const { state } = feed(rule, every(70 * M, 10, 5 * S), usual.state);
      // Opened with 10: below 5. The 5th newest is at 70 min + 25 s.
      expect(closesAt(rule, state)).toBe(70 * M + 25 * S + 10 * M + 10 * M);
    });
  });
});
