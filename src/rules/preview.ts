import type { StoredEvent } from '../model/index.ts';
import type { CompiledRule } from './load-rules.ts';
import { matchEvent } from './match-event.ts';
import { closeIfDue, observe, type WindowState } from './window.ts';

/** An incident a rule would have opened over some events. */
export interface PreviewIncident {
  group: string;
  openedAt: string;
  /** Absent when it would still be open at the end of the range. */
  closedAt?: string;
  openedCount: number;
  peakCount: number;
  /** The event that crossed the threshold. */
  triggerEventId: string;
  /** The events whose posts would be linked to its parent: the window's at opening, then each later match while open. */
  eventIds: string[];
}

export interface RulePreview {
  /** Events looked at, and how many the rule counted. */
  events: number;
  matched: number;
  incidents: PreviewIncident[];
}

/**
 * What `rule` would have done over `events` (in store order, as the engine reads them): the
 * incidents it would have opened and closed, with their times, counts, groups and events. Writes
 * nothing, calls nothing. Time is the events' own (the newest occurrence time seen so far), so a
 * replay of last week decides as the live engine, whose time is the clock, did; `until` (the end
 * of the range looked at) lets the quiet time after the last event close what it would have closed.
 * Pure but for JSONata's promises.
 */
export async function previewRule(rule: CompiledRule, events: readonly StoredEvent[], options: { until?: Date } = {}): Promise<RulePreview> {
  const windows = new Map<string, WindowState | undefined>();
  const open = new Map<string, PreviewIncident>();
  const incidents: PreviewIncident[] = [];
  let now = -Infinity;
  let matched = 0;
  let n = 0;
  const newId = () => `preview-${++n}`;
  const close = (id: string, closedAt: number) => {
    const incident = open.get(id);
    if (incident) incident.closedAt = new Date(closedAt).toISOString();
    open.delete(id);
  };

  for (const event of events) {
    // As live, where the clock caps it: nothing occurred after Parley received it.
    const found = await matchEvent(rule, event, Date.parse(event.receivedAt));
    if (!found) continue;
    matched++;
    now = Math.max(now, found.entry.t);
    const { state, changes } = observe(rule, windows.get(found.group), found.entry, { now, newId });
    windows.set(found.group, state);
    for (const change of changes) {
      if (change.type === 'close') close(change.incident.id, change.closedAt);
      else if (change.type === 'open') {
        const incident: PreviewIncident = {
          group: found.group, openedAt: new Date(change.incident.openedAt).toISOString(), openedCount: change.incident.openedCount,
          peakCount: change.incident.peakCount, triggerEventId: change.incident.triggerEventId, eventIds: change.posts.map((p) => p.id),
        };
        open.set(change.incident.id, incident);
        incidents.push(incident);
      } else {
        const incident = open.get(change.incident.id)!;
        incident.eventIds.push(change.entry.id);
        incident.peakCount = change.incident.peakCount;
      }
    }
  }
  if (options.until) {
    for (const state of windows.values()) {
      if (!state) continue;
      const { change } = closeIfDue(rule, state, options.until.getTime());
      if (change) close(change.incident.id, change.closedAt);
    }
  }
  return { events: events.length, matched, incidents };
}
