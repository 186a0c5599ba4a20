import type { StoredEvent } from '../../model/index.ts';
import {
  incidentValues, stepToken, toStoredIncident, type AlertOutcome, type IncidentRow, type IncidentState, type IncidentStep, type IncidentStore, type StoredIncident, type StoredWindow,
} from '../incident-store.ts';
import { pageOf, toStoredEvent, type EventRow } from '../rows.ts';
import type { Page } from '../store.ts';
import type { PostgresFacetContext } from './facet.ts';
import { OperationQueue } from './operation-queue.ts';

/** As SQLite's (sqlite/incidents.ts), with numbered parameters. */
const UPSERT_INCIDENT = `INSERT INTO incidents (id, rule_id, group_key, state, window_text, opened_at, closed_at, opened_count, peak_count, linked,
    trigger_event_id, alert_open, alert_close, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, closed_at = excluded.closed_at, peak_count = excluded.peak_count, linked = excluded.linked,
    alert_close = CASE WHEN incidents.alert_close = 'none' THEN excluded.alert_close ELSE incidents.alert_close END, updated_at = excluded.updated_at`;

/** PostgreSQL's crisis incidents (`Store.incidents`; the contract is incident-store.ts). */
export class PostgresIncidents implements IncidentStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async readEvents(limit: number): Promise<{ events: StoredEvent[]; from: string; cursor?: string }> {
    const db = this.#context.db();
    const at = (await db.query<{ seq: string; version: string }>('SELECT seq, version FROM incident_cursor WHERE id = 1')).rows[0] ?? { seq: 0, version: 0 };
    const { rows } = await db.query<EventRow>('SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [Number(at.seq), limit]);
    return { events: rows.map(toStoredEvent), from: stepToken(at), ...(rows.length > 0 ? { cursor: String(rows.at(-1)!.seq) } : {}) };
  }

  async windows(): Promise<StoredWindow[]> {
    const { rows } = await this.#context.db().query<{ rule_id: string; group_key: string; state: string }>('SELECT rule_id, group_key, state FROM incident_windows ORDER BY rule_id, group_key');
    return rows.map((r) => ({ ruleId: r.rule_id, group: r.group_key, state: r.state }));
  }

  async commitStep(step: IncidentStep): Promise<boolean> {
    const now = step.now.getTime();
    return this.#context.db().transaction(async (tx) => {
      // The cursor row's lock serialises steps: a second instance's step waits here, then sees the
      // cursor moved and commits nothing (READ COMMITTED re-reads the row once the lock is free).
      const at = (await tx.query<{ seq: string; version: string }>('SELECT seq, version FROM incident_cursor WHERE id = 1 FOR UPDATE')).rows[0];
      if (stepToken(at ?? { seq: 0, version: 0 }) !== step.from) return false;
      for (const w of step.windows) {
        if (w.state === null) await tx.query('DELETE FROM incident_windows WHERE rule_id = $1 AND group_key = $2', [w.ruleId, w.group]);
        else {
          await tx.query('INSERT INTO incident_windows (rule_id, group_key, state) VALUES ($1, $2, $3) ON CONFLICT (rule_id, group_key) DO UPDATE SET state = excluded.state',
            [w.ruleId, w.group, w.state]);
        }
      }
      for (const incident of step.incidents) await tx.query(UPSERT_INCIDENT, incidentValues(incident, now));
      const queue = new OperationQueue(tx, now);
      await queue.prefetch(step.operations);
      for (const op of step.operations) await queue.queue(op);
      await queue.flush();
      if (queue.pending > 0) tx.wake('operations');
      await tx.query('UPDATE incident_cursor SET seq = COALESCE($1, seq), version = version + 1 WHERE id = 1', [step.cursor !== undefined ? Number(step.cursor) : null]);
      return true;
    });
  }

  async list(query: { state?: IncidentState; ruleId?: string; limit: number; after?: string }): Promise<Page<StoredIncident>> {
    const before = query.after !== undefined ? Number(query.after) : Number.MAX_SAFE_INTEGER;
    const { rows } = await this.#context.db().query<IncidentRow>(`SELECT * FROM incidents WHERE seq < $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR rule_id = $3)
      ORDER BY seq DESC LIMIT $4`, [before, query.state ?? null, query.ruleId ?? null, query.limit + 1]);
    return pageOf(rows.map((r) => ({ ...r, seq: Number(r.seq) })), query.limit, toStoredIncident);
  }

  async get(id: string): Promise<StoredIncident | undefined> {
    const row = (await this.#context.db().query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id])).rows[0];
    return row ? toStoredIncident(row) : undefined;
  }

  async dueAlerts(options: { now: Date; limit: number }): Promise<StoredIncident[]> {
    const { rows } = await this.#context.db().query<IncidentRow>(`SELECT * FROM incidents WHERE (alert_open = 'pending' OR alert_close = 'pending')
      AND (alert_next_at IS NULL OR alert_next_at <= $1) ORDER BY seq LIMIT $2`, [options.now.getTime(), options.limit]);
    return rows.map(toStoredIncident);
  }

  async recordAlert(id: string, outcome: AlertOutcome, options: { now: Date }): Promise<void> {
    const column = outcome.type === 'opened' ? 'alert_open' : 'alert_close';
    const now = options.now.getTime();
    if (outcome.outcome === 'sent') {
      await this.#context.db().query(`UPDATE incidents SET ${column} = 'sent', alert_attempts = 0, alert_next_at = NULL, alert_error = NULL, updated_at = $1
        WHERE id = $2 AND ${column} = 'pending'`, [now, id]);
    } else {
      await this.#context.db().query(`UPDATE incidents SET alert_attempts = alert_attempts + 1, alert_next_at = $1, alert_error = $2, updated_at = $3
        WHERE id = $4 AND ${column} = 'pending'`, [outcome.nextAttemptAt.getTime(), outcome.error, now, id]);
    }
  }
}
