import type { StoredEvent } from '../../model/index.ts';
import {
  incidentValues, stepToken, toStoredIncident, type AlertOutcome, type IncidentRow, type IncidentState, type IncidentStep, type IncidentStore, type StoredIncident, type StoredWindow,
} from '../incident-store.ts';
import { pageOf, toStoredEvent, type EventRow } from '../rows.ts';
import type { Page } from '../store.ts';
import type { SqliteFacetContext } from './facet.ts';
import { queueOperation } from './queue-plan.ts';
import type { Statements } from './statements.ts';

/** Inserts an incident, or updates what a step may change of it (incident-store.ts `incidentValues`). */
export const UPSERT_INCIDENT = `INSERT INTO incidents (id, rule_id, group_key, state, window_text, opened_at, closed_at, opened_count, peak_count, linked,
    trigger_event_id, alert_open, alert_close, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, closed_at = excluded.closed_at, peak_count = excluded.peak_count, linked = excluded.linked,
    alert_close = CASE WHEN incidents.alert_close = 'none' THEN excluded.alert_close ELSE incidents.alert_close END, updated_at = excluded.updated_at`;

/** The embedded store's crisis incidents (`Store.incidents`; the contract is incident-store.ts). */
export class SqliteIncidents implements IncidentStore {
  readonly #context: SqliteFacetContext & { statements(): Statements };

  constructor(context: SqliteFacetContext & { statements(): Statements }) {
    this.#context = context;
  }

  #cursor(): { seq: number; version: number } {
    return (this.#context.db().prepare('SELECT seq, version FROM incident_cursor WHERE id = 1').get() as { seq: number; version: number } | undefined) ?? { seq: 0, version: 0 };
  }

  async readEvents(limit: number): Promise<{ events: StoredEvent[]; from: string; cursor?: string }> {
    const at = this.#cursor();
    const rows = this.#context.db().prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(at.seq, limit) as EventRow[];
    return { events: rows.map(toStoredEvent), from: stepToken(at), ...(rows.length > 0 ? { cursor: String(rows.at(-1)!.seq) } : {}) };
  }

  async windows(): Promise<StoredWindow[]> {
    const rows = this.#context.db().prepare('SELECT rule_id, group_key, state FROM incident_windows ORDER BY rule_id, group_key').all() as Array<{ rule_id: string; group_key: string; state: string }>;
    return rows.map((r) => ({ ruleId: r.rule_id, group: r.group_key, state: r.state }));
  }

  async commitStep(step: IncidentStep): Promise<boolean> {
    const now = step.now.getTime();
    return this.#context.commit(() => {
      const db = this.#context.db();
      // A write transaction on SQLite is alone on the database: the cursor read here cannot move before the commit.
      if (stepToken(this.#cursor()) !== step.from) return false;
      const keep = db.prepare('INSERT INTO incident_windows (rule_id, group_key, state) VALUES (?, ?, ?) ON CONFLICT (rule_id, group_key) DO UPDATE SET state = excluded.state');
      const forget = db.prepare('DELETE FROM incident_windows WHERE rule_id = ? AND group_key = ?');
      for (const w of step.windows) {
        if (w.state === null) forget.run(w.ruleId, w.group);
        else keep.run(w.ruleId, w.group, w.state);
      }
      const upsert = db.prepare(UPSERT_INCIDENT);
      for (const incident of step.incidents) upsert.run(...incidentValues(incident, now));
      const s = this.#context.statements();
      for (const op of step.operations) queueOperation(s, op, now);
      db.prepare('UPDATE incident_cursor SET seq = COALESCE(?, seq), version = version + 1 WHERE id = 1').run(step.cursor !== undefined ? Number(step.cursor) : null);
      return true;
    });
  }

  async list(query: { state?: IncidentState; ruleId?: string; limit: number; after?: string }): Promise<Page<StoredIncident>> {
    const before = query.after !== undefined ? Number(query.after) : Number.MAX_SAFE_INTEGER;
    const rows = this.#context.db().prepare(`SELECT * FROM incidents WHERE seq < ? AND (? IS NULL OR state = ?) AND (? IS NULL OR rule_id = ?) ORDER BY seq DESC LIMIT ?`)
      .all(before, query.state ?? null, query.state ?? null, query.ruleId ?? null, query.ruleId ?? null, query.limit + 1) as Array<IncidentRow & { seq: number }>;
    return pageOf(rows, query.limit, toStoredIncident);
  }

  async get(id: string): Promise<StoredIncident | undefined> {
    const row = this.#context.db().prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    return row ? toStoredIncident(row) : undefined;
  }

  async dueAlerts(options: { now: Date; limit: number }): Promise<StoredIncident[]> {
    const rows = this.#context.db().prepare(`SELECT * FROM incidents WHERE (alert_open = 'pending' OR alert_close = 'pending')
      AND (alert_next_at IS NULL OR alert_next_at <= ?) ORDER BY seq LIMIT ?`).all(options.now.getTime(), options.limit) as IncidentRow[];
    return rows.map(toStoredIncident);
  }

  async recordAlert(id: string, outcome: AlertOutcome, options: { now: Date }): Promise<void> {
    const column = outcome.type === 'opened' ? 'alert_open' : 'alert_close';
    const now = options.now.getTime();
    this.#context.commit(() => {
      const db = this.#context.db();
      if (outcome.outcome === 'sent') {
        db.prepare(`UPDATE incidents SET ${column} = 'sent', alert_attempts = 0, alert_next_at = NULL, alert_error = NULL, updated_at = ? WHERE id = ? AND ${column} = 'pending'`).run(now, id);
      } else {
        db.prepare(`UPDATE incidents SET alert_attempts = alert_attempts + 1, alert_next_at = ?, alert_error = ?, updated_at = ? WHERE id = ? AND ${column} = 'pending'`)
          .run(outcome.nextAttemptAt.getTime(), outcome.error, now, id);
      }
    });
  }
}
