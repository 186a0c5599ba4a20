import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../../model/index.ts';
import {
  normalized, pairOf, toIdentityLink, toStoredIdentity, toStoredPerson,
  type Evidence, type IdentityLink, type IdentityObservation, type IdentityRow, type LinkProposal, type LinkRow, type LinkState, type MembershipRefusal,
  type ParentChange, type PeopleStore, type PersonRecord, type PersonRow, type StoredIdentity, type StoredPerson,
} from '../people-store.ts';
import { pageOf, toStoredEvent, type EventRow } from '../rows.ts';
import type { NewOperation, Page } from '../store.ts';
import type { SqliteFacetContext } from './facet.ts';
import { queueOperation } from './queue-plan.ts';
import { SUBJECT_SQL } from './resyncs.ts';
import type { Statements } from './statements.ts';

type Db = ReturnType<SqliteFacetContext['db']>;
const json = (keys: readonly string[]) => JSON.stringify(keys);

/** The embedded store's people (`Store.people`; the contract is people-store.ts). */
export class SqlitePeople implements PeopleStore {
  readonly #context: SqliteFacetContext & { statements(): Statements };

  constructor(context: SqliteFacetContext & { statements(): Statements }) {
    this.#context = context;
  }

  #db(): Db { return this.#context.db(); }
  #identity(key: string): IdentityRow | undefined { return this.#db().prepare('SELECT * FROM identities WHERE key = ?').get(key) as IdentityRow | undefined; }
  #person(id: string): PersonRow | undefined { return this.#db().prepare('SELECT * FROM persons WHERE id = ?').get(id) as PersonRow | undefined; }
  #members(personId: string): IdentityRow[] { return this.#db().prepare('SELECT * FROM identities WHERE person_id = ? ORDER BY seq').all(personId) as IdentityRow[]; }

  #readPerson(id: string): StoredPerson | undefined {
    const person = this.#person(id);
    if (!person) return undefined;
    const members = this.#members(id);
    const keys = json(members.map((m) => m.key));
    const links = this.#db().prepare(`SELECT * FROM identity_links WHERE key_a IN (SELECT value FROM json_each(?)) OR key_b IN (SELECT value FROM json_each(?)) ORDER BY seq`).all(keys, keys) as LinkRow[];
    return toStoredPerson(person, members, links);
  }

  /** Queues parent changes for identities whose person's primary changed. Inside a transaction. */
  #parentChanged(keys: readonly string[], now: number): void {
    const insert = this.#db().prepare('INSERT INTO person_parent_changes (identity_key, created_at) VALUES (?, ?)');
    for (const key of keys) insert.run(key, now);
  }

  /** Moves every member of `from` into `into` (which keeps its primary) and deletes `from`. Inside a transaction. */
  #merge(into: string, from: string, now: number): void {
    if (into === from) return;
    const db = this.#db();
    const moved = this.#members(from).map((m) => m.key);
    db.prepare('UPDATE identities SET person_id = ? WHERE person_id = ?').run(into, from);
    db.prepare('DELETE FROM persons WHERE id = ?').run(from);
    db.prepare('UPDATE persons SET updated_at = ? WHERE id = ?').run(now, into);
    this.#parentChanged(moved, now);
  }

  /** The older of two persons (it survives a merge the rules make). */
  #older(a: string, b: string): [string, string] {
    const pa = this.#person(a)!, pb = this.#person(b)!;
    return pa.seq <= pb.seq ? [a, b] : [b, a];
  }

  /** Sets a pair's link (inserting it when missing). Inside a transaction. */
  #setLink(a: string, b: string, link: { state: LinkState; evidence?: Evidence[]; confidence?: number; decidedBy?: string; now: number }): void {
    const [keyA, keyB] = pairOf(a, b);
    const db = this.#db();
    const existing = db.prepare('SELECT * FROM identity_links WHERE key_a = ? AND key_b = ?').get(keyA, keyB) as LinkRow | undefined;
    const decided = link.decidedBy !== undefined ? [link.decidedBy, link.now] : [null, null];
    if (existing) {
      db.prepare('UPDATE identity_links SET state = ?, evidence = COALESCE(?, evidence), confidence = COALESCE(?, confidence), decided_by = ?, decided_at = ? WHERE seq = ?')
        .run(link.state, link.evidence ? JSON.stringify(link.evidence) : null, link.confidence ?? null, decided[0], decided[1], existing.seq);
      return;
    }
    db.prepare('INSERT INTO identity_links (id, key_a, key_b, evidence, confidence, state, decided_by, decided_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(randomUUID(), keyA, keyB, JSON.stringify(link.evidence ?? [{ kind: 'decision' }]), link.confidence ?? 1, link.state, decided[0], decided[1], link.now);
  }

  async readIndexable(limit: number): Promise<{ events: StoredEvent[]; cursor?: string }> {
    const db = this.#db();
    const at = (db.prepare('SELECT seq FROM people_cursor WHERE id = 1').get() as { seq: number } | undefined)?.seq ?? 0;
    const rows = db.prepare(`SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?`).all(at, limit) as EventRow[];
    return { events: rows.map(toStoredEvent), ...(rows.length > 0 ? { cursor: String(rows.at(-1)!.seq) } : {}) };
  }

  async observe(observations: IdentityObservation[], options: { now: Date }): Promise<string[]> {
    const now = options.now.getTime();
    return this.#context.commit(() => {
      const db = this.#db();
      const changed = new Set<string>();
      const stillStored = db.prepare('SELECT 1 FROM events WHERE id = ?');
      for (const o of observations) {
        if (o.seenIn !== undefined && stillStored.get(o.seenIn) === undefined) continue;
        const at = Date.parse(o.observedAt);
        const row = db.prepare('SELECT seq, observed_at, handle, event_id FROM identities WHERE key = ?').get(o.key) as { seq: number; observed_at: number; handle: string | null; event_id: string | null } | undefined;
        const full = o.eventId !== undefined;
        if (!row) {
          const personId = randomUUID();
          db.prepare('INSERT INTO persons (id, primary_key, created_at, updated_at) VALUES (?, ?, ?, ?)').run(personId, o.key, now, now);
          db.prepare(`INSERT INTO identities (key, network, user_id, observed_at, first_seen, last_seen, person_id) VALUES (?, ?, ?, ?, ?, ?, ?)`)
            .run(o.key, o.network, o.userId, full ? at : 0, at, at, personId);
        }
        db.prepare('UPDATE identities SET last_seen = MAX(last_seen, ?), first_seen = MIN(first_seen, ?) WHERE key = ?').run(at, at, o.key);
        if (full && (!row || row.event_id === null || at >= row.observed_at)) {
          const mentions = [...new Set(o.mentions ?? [])];
          db.prepare(`UPDATE identities SET handle = ?, handle_lc = ?, display_name = ?, name_lc = ?, email = ?, email_lc = ?, email_verified = ?, location = ?, location_lc = ?,
            profile_url = ?, mentions = ?, event_id = ?, observed_at = ? WHERE key = ?`)
            .run(o.handle ?? null, normalized(o.handle), o.displayName ?? null, normalized(o.displayName), o.email ?? null, normalized(o.email), o.emailVerified === true ? 1 : 0,
              o.location ?? null, normalized(o.location), o.profileUrl ?? null, JSON.stringify(mentions), o.eventId, at, o.key);
          db.prepare('DELETE FROM identity_mentions WHERE identity_key = ?').run(o.key);
          const mention = db.prepare('INSERT OR IGNORE INTO identity_mentions (handle_lc, identity_key) VALUES (?, ?)');
          for (const m of mentions) mention.run(m, o.key);
          changed.add(o.key);
        } else if (!full && o.handle !== undefined && (row?.handle ?? null) === null) {
          db.prepare('UPDATE identities SET handle = ?, handle_lc = ? WHERE key = ? AND handle IS NULL').run(o.handle, normalized(o.handle), o.key);
          changed.add(o.key);
        }
      }
      return [...changed];
    });
  }

  async candidates(keys: string[]): Promise<Array<{ identity: StoredIdentity; candidates: StoredIdentity[] }>> {
    const db = this.#db();
    const answers: Array<{ identity: StoredIdentity; candidates: StoredIdentity[] }> = [];
    for (const key of keys) {
      const row = db.prepare('SELECT * FROM identities WHERE key = ?').get(key) as (IdentityRow & { email_lc: string | null; name_lc: string | null; location_lc: string | null; handle_lc: string | null }) | undefined;
      if (!row) continue;
      // Bounded: a common name or a brand everyone names must not make the rules compare thousands.
      const rows = db.prepare(`SELECT * FROM identities WHERE key != ? AND (
          email_lc = ? OR (name_lc = ? AND location_lc = ?)
          OR handle_lc IN (SELECT value FROM json_each(?))
          OR key IN (SELECT identity_key FROM identity_mentions WHERE handle_lc = ?)
        ) ORDER BY seq LIMIT 50`).all(key, row.email_lc, row.name_lc, row.location_lc, row.mentions, row.handle_lc) as IdentityRow[];
      answers.push({ identity: toStoredIdentity(row), candidates: rows.map(toStoredIdentity) });
    }
    return answers;
  }

  async commitIndex(page: { proposals: LinkProposal[]; cursor?: string; now: Date }): Promise<void> {
    const now = page.now.getTime();
    this.#context.commit(() => {
      const db = this.#db();
      for (const p of page.proposals) {
        const a = this.#identity(p.identityKey), b = this.#identity(p.otherKey);
        if (!a || !b) continue;
        const [keyA, keyB] = pairOf(a.key, b.key);
        const existing = db.prepare('SELECT state FROM identity_links WHERE key_a = ? AND key_b = ?').get(keyA, keyB) as { state: LinkState } | undefined;
        if (existing?.state === 'rejected') continue;
        if (p.decision === 'link') {
          this.#setLink(a.key, b.key, { state: 'linked', evidence: p.evidence, confidence: p.confidence, decidedBy: 'parley', now });
          const [into, from] = this.#older(a.person_id, b.person_id);
          this.#merge(into, from, now);
        } else if (a.person_id !== b.person_id && existing === undefined) {
          this.#setLink(a.key, b.key, { state: 'review', evidence: p.evidence, confidence: p.confidence, now });
        }
      }
      if (page.cursor !== undefined) db.prepare('INSERT INTO people_cursor (id, seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET seq = MAX(seq, excluded.seq)').run(Number(page.cursor));
    });
  }

  async search(query: { q?: string; limit: number; after?: string }): Promise<Page<StoredIdentity>> {
    const after = query.after !== undefined ? Number(query.after) : 0;
    const q = normalized(query.q?.replace(/^@/, ''));
    const like = q === null ? null : `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = this.#db().prepare(`SELECT * FROM identities WHERE seq > ? AND (? IS NULL OR handle_lc LIKE ? ESCAPE '\\' OR name_lc LIKE ? ESCAPE '\\' OR email_lc LIKE ? ESCAPE '\\' OR key = ?)
      ORDER BY seq LIMIT ?`).all(after, like, like, like, like, query.q ?? null, query.limit + 1) as IdentityRow[];
    return pageOf(rows, query.limit, toStoredIdentity);
  }

  async getIdentity(key: string): Promise<StoredIdentity | undefined> {
    const row = this.#identity(key);
    return row ? toStoredIdentity(row) : undefined;
  }

  async getPerson(id: string): Promise<StoredPerson | undefined> {
    return this.#readPerson(id);
  }

  async identitiesOf(personId: string): Promise<string[]> {
    return this.#members(personId).map((m) => m.key);
  }

  async link(personId: string, identityKey: string, options: { decidedBy: string; now: Date }): Promise<StoredPerson | MembershipRefusal> {
    const now = options.now.getTime();
    const refusal = this.#context.commit((): MembershipRefusal | undefined => {
      const person = this.#person(personId);
      if (!person) return { refused: 'no-person' };
      const identity = this.#identity(identityKey);
      if (!identity) return { refused: 'no-identity' };
      if (identity.person_id === personId) return undefined;
      this.#setLink(identityKey, person.primary_key, { state: 'linked', evidence: [{ kind: 'decision' }], confidence: 1, decidedBy: options.decidedBy, now });
      this.#merge(personId, identity.person_id, now);
      return undefined;
    });
    return refusal ?? this.#readPerson(personId)!;
  }

  async unlink(personId: string, identityKey: string, options: { decidedBy: string; now: Date }): Promise<{ person: StoredPerson; newPersonId: string } | MembershipRefusal> {
    const now = options.now.getTime();
    const result = this.#context.commit((): MembershipRefusal | { newPersonId: string } => {
      const db = this.#db();
      const person = this.#person(personId);
      if (!person) return { refused: 'no-person' };
      const identity = this.#identity(identityKey);
      if (!identity) return { refused: 'no-identity' };
      if (identity.person_id !== personId) return { refused: 'not-a-member' };
      const left = this.#members(personId).filter((m) => m.key !== identityKey);
      if (left.length === 0) return { refused: 'only-identity' };
      const newPersonId = randomUUID();
      db.prepare('INSERT INTO persons (id, primary_key, created_at, updated_at) VALUES (?, ?, ?, ?)').run(newPersonId, identityKey, now, now);
      db.prepare('UPDATE identities SET person_id = ? WHERE key = ?').run(newPersonId, identityKey);
      for (const m of left) this.#setLink(identityKey, m.key, { state: 'rejected', decidedBy: options.decidedBy, now });
      const changed = [identityKey];
      if (person.primary_key === identityKey) {
        db.prepare('UPDATE persons SET primary_key = ? WHERE id = ?').run(left[0]!.key, personId);
        changed.push(...left.map((m) => m.key));
      }
      db.prepare('UPDATE persons SET updated_at = ? WHERE id = ?').run(now, personId);
      this.#parentChanged(changed, now);
      return { newPersonId };
    });
    return 'refused' in result ? result : { person: this.#readPerson(personId)!, newPersonId: result.newPersonId };
  }

  async listLinks(query: { state?: LinkState; limit: number; after?: string }): Promise<Page<IdentityLink>> {
    const rows = this.#db().prepare('SELECT * FROM identity_links WHERE state = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(query.state ?? 'review', query.after !== undefined ? Number(query.after) : 0, query.limit + 1) as LinkRow[];
    return pageOf(rows, query.limit, toIdentityLink);
  }

  async getLink(id: string): Promise<IdentityLink | undefined> {
    const row = this.#db().prepare('SELECT * FROM identity_links WHERE id = ?').get(id) as LinkRow | undefined;
    return row ? toIdentityLink(row) : undefined;
  }

  async decideLink(id: string, options: { approve: boolean; decidedBy: string; now: Date }): Promise<IdentityLink | undefined> {
    const now = options.now.getTime();
    this.#context.commit(() => {
      const row = this.#db().prepare('SELECT * FROM identity_links WHERE id = ?').get(id) as LinkRow | undefined;
      if (!row || row.state !== 'review') return;
      this.#setLink(row.key_a, row.key_b, { state: options.approve ? 'linked' : 'rejected', decidedBy: options.decidedBy, now });
      const a = this.#identity(row.key_a), b = this.#identity(row.key_b);
      if (options.approve && a && b) {
        const [into, from] = this.#older(a.person_id, b.person_id);
        this.#merge(into, from, now);
      }
    });
    return this.getLink(id);
  }

  async primaries(keys: string[]): Promise<Array<{ key: string; primaryKey: string }>> {
    if (keys.length === 0) return [];
    const rows = this.#db().prepare(`SELECT i.key AS key, p.primary_key AS primary_key FROM identities i JOIN persons p ON p.id = i.person_id
      WHERE i.key IN (SELECT value FROM json_each(?))`).all(json(keys)) as Array<{ key: string; primary_key: string }>;
    return rows.map((r) => ({ key: r.key, primaryKey: r.primary_key }));
  }

  async readParentChanges(limit: number): Promise<ParentChange[]> {
    const rows = this.#db().prepare(`SELECT c.seq AS seq, c.identity_key AS identity_key, i.event_id AS event_id FROM person_parent_changes c
      LEFT JOIN identities i ON i.key = c.identity_key ORDER BY c.seq LIMIT ?`).all(limit) as Array<{ seq: number; identity_key: string; event_id: string | null }>;
    return rows.map((r) => ({ seq: r.seq, identityKey: r.identity_key, ...(r.event_id !== null ? { eventId: r.event_id } : {}) }));
  }

  async commitParentChanges(page: { throughSeq: number; operations: NewOperation[]; now: Date }): Promise<void> {
    const now = page.now.getTime();
    this.#context.commit(() => {
      const s = this.#context.statements();
      for (const op of page.operations) queueOperation(s, op, now);
      this.#db().prepare('DELETE FROM person_parent_changes WHERE seq <= ?').run(page.throughSeq);
    });
  }

  async records(keys: string[], options: { destinations: string[]; limit: number }): Promise<PersonRecord[]> {
    const db = this.#db();
    const found = new Map<string, PersonRecord & { seq: number }>();
    const read = db.prepare(`SELECT seq, object, record_key, crm_id, updated_at FROM operations
      WHERE destination = ? AND ordering_key = ? AND state = 'done' AND crm_id IS NOT NULL AND crm_id != '' AND record_key IS NOT NULL ORDER BY seq DESC LIMIT ?`);
    for (const destination of options.destinations) {
      for (const key of keys) {
        for (const r of read.all(destination, `${destination}:${key}`, options.limit) as Array<{ seq: number; object: string; record_key: string; crm_id: string; updated_at: number }>) {
          const id = `${destination}\u0000${r.object}\u0000${r.record_key}`;
          if (!found.has(id)) found.set(id, { destination, object: r.object, recordKey: r.record_key, crmId: r.crm_id, syncedAt: new Date(r.updated_at).toISOString(), identityKey: key, seq: r.seq });
        }
      }
    }
    return [...found.values()].sort((x, y) => y.syncedAt.localeCompare(x.syncedAt) || y.seq - x.seq).slice(0, options.limit).map(({ seq: _seq, ...record }) => record);
  }

  async recentInteractions(keys: string[], limit: number): Promise<StoredEvent[]> {
    if (keys.length === 0) return [];
    const rows = this.#db().prepare(`SELECT * FROM events WHERE kind = 'interaction' AND ${SUBJECT_SQL} IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ?`)
      .all(json(keys), limit) as EventRow[];
    return rows.map(toStoredEvent);
  }

  async forget(keys: string[], options: { now: Date }): Promise<number> {
    const now = options.now.getTime();
    return this.#context.commit(() => {
      const db = this.#db();
      let forgotten = 0;
      for (const key of keys) {
        const identity = this.#identity(key);
        if (!identity) continue;
        db.prepare('DELETE FROM identity_mentions WHERE identity_key = ?').run(key);
        db.prepare('DELETE FROM identity_links WHERE key_a = ? OR key_b = ?').run(key, key);
        db.prepare('DELETE FROM person_parent_changes WHERE identity_key = ?').run(key);
        db.prepare('DELETE FROM identities WHERE key = ?').run(key);
        forgotten++;
        const left = this.#members(identity.person_id);
        if (left.length === 0) { db.prepare('DELETE FROM persons WHERE id = ?').run(identity.person_id); continue; }
        if (this.#person(identity.person_id)!.primary_key === key) {
          db.prepare('UPDATE persons SET primary_key = ?, updated_at = ? WHERE id = ?').run(left[0]!.key, now, identity.person_id);
          this.#parentChanged(left.map((m) => m.key), now);
        }
      }
      return forgotten;
    });
  }
}
