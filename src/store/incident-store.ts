import type { StoredEvent } from '../model/index.ts';
import type { NewOperation, Page } from './store.ts';

/**
 * Crisis incidents as the store keeps them (issue 21 item 6; the engine is src/rules/). The crisis
 * engine follows stored events in store order from a cursor of its own, like the people indexer,
 * and keeps per (rule, group) a window state it alone reads (opaque JSON text here: the store does
 * not know rules). An incident is a burst a rule detected: at most ONE is open per (rule, group),
 * which a unique key enforces, and every step commits its incidents, the CRM operations they queue
 * (the parent Case, the posts' links to it), the windows and the cursor in ONE transaction, and
 * only when the cursor is still where that step read it: a crash between reading and committing
 * commits nothing, and of two instances stepping at once only the first commits.
 */

export type IncidentState = 'open' | 'closed';
/** An alert webhook call: `none` (the rule has no alert, or the incident is not closed yet), `pending` (to send, with back-off), `sent` (a 2xx came back). */
export type AlertState = 'none' | 'pending' | 'sent';

export interface StoredIncident {
  id: string;
  ruleId: string;
  /** The rule's `groupBy` value ('' when the rule has no `groupBy`). */
  group: string;
  state: IncidentState;
  /** The rule's window as written (`10m`). */
  window: string;
  /** The occurrence time of the event that crossed the threshold, ISO 8601. */
  openedAt: string;
  /** When the rate had stayed below the close threshold for `quietFor`, ISO 8601. */
  closedAt?: string;
  /** Matching events in the window when it opened. */
  openedCount: number;
  /** The most matching events the window held while it was open. */
  peakCount: number;
  /** Posts linked to its parent Case: the window's at opening, and every later match while open. */
  linked: number;
  /** The event that crossed the threshold. */
  triggerEventId: string;
  /** The `crisis.opened` alert was answered with a 2xx. */
  alertSent: boolean;
  alert: { opened: AlertState; closed: AlertState; attempts: number; nextAttemptAt?: string; lastError?: string };
  updatedAt: string;
}

/** An incident as a step writes it: inserted when new, else its changing parts updated (by id). */
export interface IncidentWrite {
  id: string;
  ruleId: string;
  group: string;
  state: IncidentState;
  window: string;
  openedAt: Date;
  closedAt?: Date;
  openedCount: number;
  peakCount: number;
  linked: number;
  triggerEventId: string;
  /** The rule has an alert webhook: the opening (and later the closing) is to be sent. */
  alert: boolean;
}

/** A (rule, group) window as the engine keeps it between steps; `state` is the engine's JSON. */
export interface StoredWindow { ruleId: string; group: string; state: string }

/** What one engine step commits. */
export interface IncidentStep {
  /**
   * `readEvents().from`: the cursor and how many steps were committed when the step began. Nothing
   * is committed unless both are unchanged: a step without events (a close tick) moves no cursor,
   * yet a step that read its windows before it must not overwrite what it committed.
   */
  from: string;
  /** The cursor after the step's last event; absent when the step read none (a close tick). */
  cursor?: string;
  /** Windows to keep (state) or forget (state null). */
  windows: Array<{ ruleId: string; group: string; state: string | null }>;
  incidents: IncidentWrite[];
  /** Queued as the planner's are (the outbox rules apply). */
  operations: NewOperation[];
  now: Date;
}

/** How one alert call ended. */
export type AlertOutcome = { type: 'opened' | 'closed'; outcome: 'sent' } | { type: 'opened' | 'closed'; outcome: 'retry'; nextAttemptAt: Date; error: string };

export interface IncidentStore {
  /** Events after the engine's cursor, in store order, at most `limit`; `from` says where the step starts (see `IncidentStep.from`), `cursor` is the one after the last event. */
  readEvents(limit: number): Promise<{ events: StoredEvent[]; from: string; cursor?: string }>;
  /** Every window kept. */
  windows(): Promise<StoredWindow[]>;
  /**
   * Commits a step in ONE transaction when the stored cursor is still `step.from`: windows,
   * incidents (an insert of a second open incident for one (rule, group) fails the whole step),
   * operations and the cursor. @returns false, committing nothing, when the cursor had moved
   */
  commitStep(step: IncidentStep): Promise<boolean>;
  /** Newest first; `after` is a `next` token of an earlier page. */
  list(query: { state?: IncidentState; ruleId?: string; limit: number; after?: string }): Promise<Page<StoredIncident>>;
  get(id: string): Promise<StoredIncident | undefined>;
  /** Incidents with an alert pending whose next attempt is due at `now`, oldest first, at most `limit`. */
  dueAlerts(options: { now: Date; limit: number }): Promise<StoredIncident[]>;
  /**
   * Records an alert attempt: `sent` marks that alert sent (and resets the attempts); `retry` counts
   * an attempt and sets when to try again. An alert no longer pending is left alone.
   */
  recordAlert(id: string, outcome: AlertOutcome, options: { now: Date }): Promise<void>;
}

/** The token `readEvents` answers as `from`: the cursor and the steps committed. */
export function stepToken(cursor: { seq: number | string; version: number | string }): string {
  return `${Number(cursor.seq)}:${Number(cursor.version)}`;
}

// Rows, as both stores keep them (epoch ms; PostgreSQL BIGINTs come back as strings).

export interface IncidentRow {
  seq: number | string; id: string; rule_id: string; group_key: string; state: IncidentState; window_text: string;
  opened_at: number | string; closed_at: number | string | null; opened_count: number | string; peak_count: number | string; linked: number | string;
  trigger_event_id: string; alert_open: AlertState; alert_close: AlertState; alert_attempts: number | string;
  alert_next_at: number | string | null; alert_error: string | null; updated_at: number | string;
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export function toStoredIncident(r: IncidentRow): StoredIncident {
  return {
    id: r.id, ruleId: r.rule_id, group: r.group_key, state: r.state, window: r.window_text, openedAt: iso(r.opened_at),
    ...(r.closed_at !== null ? { closedAt: iso(r.closed_at) } : {}),
    openedCount: Number(r.opened_count), peakCount: Number(r.peak_count), linked: Number(r.linked), triggerEventId: r.trigger_event_id,
    alertSent: r.alert_open === 'sent',
    alert: {
      opened: r.alert_open, closed: r.alert_close, attempts: Number(r.alert_attempts),
      ...(r.alert_next_at !== null ? { nextAttemptAt: iso(r.alert_next_at) } : {}), ...(r.alert_error !== null ? { lastError: r.alert_error } : {}),
    },
    updatedAt: iso(r.updated_at),
  };
}

/**
 * The values of an incident write's row (both stores bind them in this order): an insert sets every
 * column; on conflict (the id exists) only state, closed_at, peak_count, linked and alert_close change.
 */
export function incidentValues(w: IncidentWrite, now: number): Array<string | number | null> {
  const alertClose = w.alert && w.state === 'closed' ? 'pending' : 'none';
  return [
    w.id, w.ruleId, w.group, w.state, w.window, w.openedAt.getTime(), w.closedAt?.getTime() ?? null, w.openedCount, w.peakCount, w.linked,
    w.triggerEventId, w.alert ? 'pending' : 'none', alertClose, now,
  ];
}
