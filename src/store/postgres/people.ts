import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../../model/index.ts';
import {
  normalized, pairOf, toIdentityLink, toStoredIdentity, toStoredPerson,
  type Evidence, type IdentityLink, type IdentityObservation, type IdentityRow, type LinkProposal, type LinkRow, type LinkState, type MembershipRefusal,
  type ParentChange, type PeopleStore, type PersonRecord, type PersonRow, type StoredIdentity, type StoredPerson,
} from '../people-store.ts';
import { pageOf, toStoredEvent, type EventRow } from '../rows.ts';
import type { NewOperation, Page } from '../store.ts';
import type { Tx } from './database.ts';
import type { PostgresFacetContext } from './facet.ts';
import { OperationQueue } from './operation-queue.ts';

type Q = Pick<Tx, 'query'>;

/** Who an interaction is by; the expression of the `events_by_subject` index (migration 4) for interactions. */
const SUBJECT_SQL = `(CASE kind
  WHEN 'identity' THEN data::jsonb ->> 'key'
  WHEN 'interaction' THEN data::jsonb -> 'author' ->> 'key'
  ELSE (data::jsonb ->> 'network') || ':' || (data::jsonb -> 'subject' ->> 'userId') END)`;

const num = <R extends { seq: number | string }>(r: R): R => ({ ...r, seq: Number(r.seq) });

/**
 * PostgreSQL's people (`Store.people`; the contract is people-store.ts). Every change of who
 * belongs to which person takes one transaction-scoped advisory lock first: the indexer on the lead
 * instance and the API on any instance change memberships, and a merge racing an unmerge must not
 * leave an identity in a deleted person. Changes are rare; one lock is simpler than row locks.
 */
export class PostgresPeople implements PeopleStore {
  readonly #context: PostgresFacetContext;

  constructor(context: PostgresFacetContext) {
    this.#context = context;
  }

  async #lock(tx: Q): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('parley:people'))`);
  }

  async #identity(q: Q, key: string): Promise<IdentityRow | undefined> {
    return (await q.query<IdentityRow>('SELECT * FROM identities WHERE key = $1', [key])).rows[0];
  }

  async #person(q: Q, id: string): Promise<PersonRow | undefined> {
    return (await q.query<PersonRow>('SELECT * FROM persons WHERE id = $1', [id])).rows[0];
  }

  async #members(q: Q, personId: string): Promise<IdentityRow[]> {
    return (await q.query<IdentityRow>('SELECT * FROM identities WHERE person_id = $1 ORDER BY seq', [personId])).rows;
  }

  async #readPerson(q: Q, id: string): Promise<StoredPerson | undefined> {
    const person = await this.#person(q, id);
    if (!person) return undefined;
    const members = await this.#members(q, id);
    const keys = members.map((m) => m.key);
    const { rows } = await q.query<LinkRow>('SELECT * FROM identity_links WHERE key_a = ANY($1::text[]) OR key_b = ANY($1::text[]) ORDER BY seq', [keys]);
    return toStoredPerson(person, members, rows);
  }

  async #parentChanged(tx: Q, keys: readonly string[], now: number): Promise<void> {
    if (keys.length > 0) await tx.query('INSERT INTO person_parent_changes (identity_key, created_at) SELECT k, $2 FROM unnest($1::text[]) AS k', [keys, now]);
  }

  /** Moves every member of `from` into `into` (which keeps its primary) and deletes `from` (see sqlite/people.ts). */
  async #merge(tx: Q, into: string, from: string, now: number): Promise<void> {
    if (into === from) return;
    const moved = (await this.#members(tx, from)).map((m) => m.key);
    await tx.query('UPDATE identities SET person_id = $1 WHERE person_id = $2', [into, from]);
    await tx.query('DELETE FROM persons WHERE id = $1', [from]);
    await tx.query('UPDATE persons SET updated_at = $1 WHERE id = $2', [now, into]);
    await this.#parentChanged(tx, moved, now);
  }

  async #older(tx: Q, a: string, b: string): Promise<[string, string]> {
    const pa = (await this.#person(tx, a))!, pb = (await this.#person(tx, b))!;
    return Number(pa.seq) <= Number(pb.seq) ? [a, b] : [b, a];
  }

  async #setLink(tx: Q, a: string, b: string, link: { state: LinkState; evidence?: Evidence[]; confidence?: number; decidedBy?: string; now: number }): Promise<void> {
    const [keyA, keyB] = pairOf(a, b);
    const decided = link.decidedBy !== undefined ? [link.decidedBy, link.now] : [null, null];
    await tx.query(`INSERT INTO identity_links (id, key_a, key_b, evidence, confidence, state, decided_by, decided_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (key_a, key_b) DO UPDATE SET state = excluded.state, decided_by = excluded.decided_by, decided_at = excluded.decided_at,
        evidence = CASE WHEN $10 THEN excluded.evidence ELSE identity_links.evidence END, confidence = CASE WHEN $10 THEN excluded.confidence ELSE identity_links.confidence END`,
    [randomUUID(), keyA, keyB, JSON.stringify(link.evidence ?? [{ kind: 'decision' }]), link.confidence ?? 1, link.state, decided[0], decided[1], link.now, link.evidence !== undefined]);
  }

  async readIndexable(limit: number): Promise<{ events: StoredEvent[]; cursor?: string }> {
    const db = this.#context.db();
    const at = Number((await db.query<{ seq: string }>('SELECT seq FROM people_cursor WHERE id = 1')).rows[0]?.seq ?? 0);
    const { rows } = await db.query<EventRow>(`SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, [at, limit]);
    return { events: rows.map(toStoredEvent), ...(rows.length > 0 ? { cursor: String(rows.at(-1)!.seq) } : {}) };
  }

  async observe(observations: IdentityObservation[], options: { now: Date }): Promise<string[]> {
    const now = options.now.getTime();
    return this.#context.db().transaction(async (tx) => {
      await this.#lock(tx);
      const changed = new Set<string>();
      const seenIn = [...new Set(observations.flatMap((o) => (o.seenIn !== undefined ? [o.seenIn] : [])))];
      const kept = new Set((await tx.query<{ id: string }>('SELECT id FROM events WHERE id = ANY($1::text[])', [seenIn])).rows.map((r) => r.id));
      for (const o of observations) {
        if (o.seenIn !== undefined && !kept.has(o.seenIn)) continue;
        const at = Date.parse(o.observedAt);
        const row = (await tx.query<{ observed_at: string; handle: string | null; event_id: string | null }>('SELECT observed_at, handle, event_id FROM identities WHERE key = $1', [o.key])).rows[0];
        const full = o.eventId !== undefined;
        if (!row) {
          const personId = randomUUID();
          await tx.query('INSERT INTO persons (id, primary_key, created_at, updated_at) VALUES ($1, $2, $3, $3)', [personId, o.key, now]);
          await tx.query('INSERT INTO identities (key, network, user_id, observed_at, first_seen, last_seen, person_id) VALUES ($1, $2, $3, $4, $5, $5, $6)',
            [o.key, o.network, o.userId, full ? at : 0, at, personId]);
        }
        await tx.query('UPDATE identities SET last_seen = GREATEST(last_seen, $1), first_seen = LEAST(first_seen, $1) WHERE key = $2', [at, o.key]);
        if (full && (!row || row.event_id === null || at >= Number(row.observed_at))) {
          const mentions = [...new Set(o.mentions ?? [])];
          await tx.query(`UPDATE identities SET handle = $1, handle_lc = $2, display_name = $3, name_lc = $4, email = $5, email_lc = $6, email_verified = $7, location = $8, location_lc = $9,
            profile_url = $10, mentions = $11, event_id = $12, observed_at = $13 WHERE key = $14`,
          [o.handle ?? null, normalized(o.handle), o.displayName ?? null, normalized(o.displayName), o.email ?? null, normalized(o.email), o.emailVerified === true,
            o.location ?? null, normalized(o.location), o.profileUrl ?? null, JSON.stringify(mentions), o.eventId, at, o.key]);
          await tx.query('DELETE FROM identity_mentions WHERE identity_key = $1', [o.key]);
          if (mentions.length > 0) await tx.query('INSERT INTO identity_mentions (handle_lc, identity_key) SELECT m, $2 FROM unnest($1::text[]) AS m ON CONFLICT DO NOTHING', [mentions, o.key]);
          changed.add(o.key);
        } else if (!full && o.handle !== undefined && (row?.handle ?? null) === null) {
          await tx.query('UPDATE identities SET handle = $1, handle_lc = $2 WHERE key = $3 AND handle IS NULL', [o.handle, normalized(o.handle), o.key]);
          changed.add(o.key);
        }
      }
      return [...changed];
    });
  }

  async candidates(keys: string[]): Promise<Array<{ identity: StoredIdentity; candidates: StoredIdentity[] }>> {
    const db = this.#context.db();
    const answers: Array<{ identity: StoredIdentity; candidates: StoredIdentity[] }> = [];
    for (const key of keys) {
      const row = (await db.query<IdentityRow & { email_lc: string | null; name_lc: string | null; location_lc: string | null; handle_lc: string | null }>('SELECT * FROM identities WHERE key = $1', [key])).rows[0];
      if (!row) continue;
      const { rows } = await db.query<IdentityRow>(`SELECT * FROM identities WHERE key != $1 AND (
          email_lc = $2 OR (name_lc = $3 AND location_lc = $4)
          OR handle_lc = ANY($5::text[])
          OR key IN (SELECT identity_key FROM identity_mentions WHERE handle_lc = $6)
        ) ORDER BY seq LIMIT 50`, [key, row.email_lc, row.name_lc, row.location_lc, JSON.parse(row.mentions) as string[], row.handle_lc]);
      answers.push({ identity: toStoredIdentity(row), candidates: rows.map(toStoredIdentity) });
    }
    return answers;
  }

  async commitIndex(page: { proposals: LinkProposal[]; cursor?: string; now: Date }): Promise<void> {
    const now = page.now.getTime();
    await this.#context.db().transaction(async (tx) => {
      await this.#lock(tx);
      for (const p of page.proposals) {
        const a = await this.#identity(tx, p.identityKey), b = await this.#identity(tx, p.otherKey);
        if (!a || !b) continue;
        const [keyA, keyB] = pairOf(a.key, b.key);
        const existing = (await tx.query<{ state: LinkState }>('SELECT state FROM identity_links WHERE key_a = $1 AND key_b = $2', [keyA, keyB])).rows[0];
        if (existing?.state === 'rejected') continue;
        if (p.decision === 'link') {
          await this.#setLink(tx, a.key, b.key, { state: 'linked', evidence: p.evidence, confidence: p.confidence, decidedBy: 'parley', now });
          const [into, from] = await this.#older(tx, a.person_id, b.person_id);
          await this.#merge(tx, into, from, now);
        } else if (a.person_id !== b.person_id && existing === undefined) {
          await this.#setLink(tx, a.key, b.key, { state: 'review', evidence: p.evidence, confidence: p.confidence, now });
        }
      }
      if (page.cursor !== undefined) {
        await tx.query('INSERT INTO people_cursor (id, seq) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET seq = GREATEST(people_cursor.seq, excluded.seq)', [Number(page.cursor)]);
      }
    });
  }

  async search(query: { q?: string; limit: number; after?: string }): Promise<Page<StoredIdentity>> {
    const q = normalized(query.q?.replace(/^@/, ''));
    const like = q === null ? null : `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const { rows } = await this.#context.db().query<IdentityRow>(`SELECT * FROM identities WHERE seq > $1
        AND ($2::text IS NULL OR handle_lc LIKE $2 OR name_lc LIKE $2 OR email_lc LIKE $2 OR key = $3) ORDER BY seq LIMIT $4`,
    [query.after !== undefined ? Number(query.after) : 0, like, query.q ?? null, query.limit + 1]);
    return pageOf(rows.map(num), query.limit, toStoredIdentity);
  }

  async getIdentity(key: string): Promise<StoredIdentity | undefined> {
    const row = await this.#identity(this.#context.db(), key);
    return row ? toStoredIdentity(row) : undefined;
  }

  async getPerson(id: string): Promise<StoredPerson | undefined> {
    return this.#readPerson(this.#context.db(), id);
  }

  async identitiesOf(personId: string): Promise<string[]> {
    return (await this.#members(this.#context.db(), personId)).map((m) => m.key);
  }

  async link(personId: string, identityKey: string, options: { decidedBy: string; now: Date }): Promise<StoredPerson | MembershipRefusal> {
    const now = options.now.getTime();
    return this.#context.db().transaction(async (tx): Promise<StoredPerson | MembershipRefusal> => {
      await this.#lock(tx);
      const person = await this.#person(tx, personId);
      if (!person) return { refused: 'no-person' };
      const identity = await this.#identity(tx, identityKey);
      if (!identity) return { refused: 'no-identity' };
      if (identity.person_id !== personId) {
        await this.#setLink(tx, identityKey, person.primary_key, { state: 'linked', evidence: [{ kind: 'decision' }], confidence: 1, decidedBy: options.decidedBy, now });
        await this.#merge(tx, personId, identity.person_id, now);
      }
      return (await this.#readPerson(tx, personId))!;
    });
  }

  async unlink(personId: string, identityKey: string, options: { decidedBy: string; now: Date }): Promise<{ person: StoredPerson; newPersonId: string } | MembershipRefusal> {
    const now = options.now.getTime();
    return this.#context.db().transaction(async (tx): Promise<{ person: StoredPerson; newPersonId: string } | MembershipRefusal> => {
      await this.#lock(tx);
      const person = await this.#person(tx, personId);
      if (!person) return { refused: 'no-person' };
      const identity = await this.#identity(tx, identityKey);
      if (!identity) return { refused: 'no-identity' };
      if (identity.person_id !== personId) return { refused: 'not-a-member' };
      const left = (await this.#members(tx, personId)).filter((m) => m.key !== identityKey);
      if (left.length === 0) return { refused: 'only-identity' };
      const newPersonId = randomUUID();
      await tx.query('INSERT INTO persons (id, primary_key, created_at, updated_at) VALUES ($1, $2, $3, $3)', [newPersonId, identityKey, now]);
      await tx.query('UPDATE identities SET person_id = $1 WHERE key = $2', [newPersonId, identityKey]);
      for (const m of left) await this.#setLink(tx, identityKey, m.key, { state: 'rejected', decidedBy: options.decidedBy, now });
      const changed = [identityKey];
      if (person.primary_key === identityKey) {
        await tx.query('UPDATE persons SET primary_key = $1 WHERE id = $2', [left[0]!.key, personId]);
        changed.push(...left.map((m) => m.key));
      }
      await tx.query('UPDATE persons SET updated_at = $1 WHERE id = $2', [now, personId]);
      await this.#parentChanged(tx, changed, now);
      return { person: (await this.#readPerson(tx, personId))!, newPersonId };
    });
  }

  async listLinks(query: { state?: LinkState; limit: number; after?: string }): Promise<Page<IdentityLink>> {
    const { rows } = await this.#context.db().query<LinkRow>('SELECT * FROM identity_links WHERE state = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [query.state ?? 'review', query.after !== undefined ? Number(query.after) : 0, query.limit + 1]);
    return pageOf(rows.map(num), query.limit, toIdentityLink);
  }

  async getLink(id: string): Promise<IdentityLink | undefined> {
    const row = (await this.#context.db().query<LinkRow>('SELECT * FROM identity_links WHERE id = $1', [id])).rows[0];
    return row ? toIdentityLink(row) : undefined;
  }

  async decideLink(id: string, options: { approve: boolean; decidedBy: string; now: Date }): Promise<IdentityLink | undefined> {
    const now = options.now.getTime();
    await this.#context.db().transaction(async (tx) => {
      await this.#lock(tx);
      const row = (await tx.query<LinkRow>('SELECT * FROM identity_links WHERE id = $1', [id])).rows[0];
      if (!row || row.state !== 'review') return;
      await this.#setLink(tx, row.key_a, row.key_b, { state: options.approve ? 'linked' : 'rejected', decidedBy: options.decidedBy, now });
      const a = await this.#identity(tx, row.key_a), b = await this.#identity(tx, row.key_b);
      if (options.approve && a && b) {
        const [into, from] = await this.#older(tx, a.person_id, b.person_id);
        await this.#merge(tx, into, from, now);
      }
    });
    return this.getLink(id);
  }

  async primaries(keys: string[]): Promise<Array<{ key: string; primaryKey: string }>> {
    if (keys.length === 0) return [];
    const { rows } = await this.#context.db().query<{ key: string; primary_key: string }>(`SELECT i.key AS key, p.primary_key AS primary_key
      FROM identities i JOIN persons p ON p.id = i.person_id WHERE i.key = ANY($1::text[])`, [keys]);
    return rows.map((r) => ({ key: r.key, primaryKey: r.primary_key }));
  }

  async readParentChanges(limit: number): Promise<ParentChange[]> {
    const { rows } = await this.#context.db().query<{ seq: string; identity_key: string; event_id: string | null }>(`SELECT c.seq AS seq, c.identity_key AS identity_key, i.event_id AS event_id
      FROM person_parent_changes c LEFT JOIN identities i ON i.key = c.identity_key ORDER BY c.seq LIMIT $1`, [limit]);
    return rows.map((r) => ({ seq: Number(r.seq), identityKey: r.identity_key, ...(r.event_id !== null ? { eventId: r.event_id } : {}) }));
  }

  async commitParentChanges(page: { throughSeq: number; operations: NewOperation[]; now: Date }): Promise<void> {
    await this.#context.db().transaction(async (tx) => {
      const queue = new OperationQueue(tx, page.now.getTime());
      await queue.prefetch(page.operations);
      for (const op of page.operations) await queue.queue(op);
      await queue.flush();
      if (queue.pending > 0) tx.wake('operations');
      await tx.query('DELETE FROM person_parent_changes WHERE seq <= $1', [page.throughSeq]);
    });
  }

  async records(keys: string[], options: { destinations: string[]; limit: number }): Promise<PersonRecord[]> {
    if (keys.length === 0 || options.destinations.length === 0) return [];
    const pairs = options.destinations.flatMap((d) => keys.map((k) => ({ destination: d, key: k })));
    const { rows } = await this.#context.db().query<{ destination: string; ordering_key: string; object: string; record_key: string; crm_id: string; updated_at: string }>(`
      SELECT DISTINCT ON (o.destination, o.object, o.record_key) o.destination, o.ordering_key, o.object, o.record_key, o.crm_id, o.updated_at
      FROM operations o JOIN unnest($1::text[], $2::text[]) AS k(destination, ordering_key) ON o.destination = k.destination AND o.ordering_key = k.ordering_key
      WHERE o.state = 'done' AND o.crm_id IS NOT NULL AND o.crm_id != '' AND o.record_key IS NOT NULL
      ORDER BY o.destination, o.object, o.record_key, o.seq DESC`,
    [pairs.map((p) => p.destination), pairs.map((p) => `${p.destination}:${p.key}`)]);
    return rows.map((r) => ({
      destination: r.destination, object: r.object, recordKey: r.record_key, crmId: r.crm_id, syncedAt: new Date(Number(r.updated_at)).toISOString(),
      identityKey: r.ordering_key.slice(r.destination.length + 1),
    })).sort((x, y) => y.syncedAt.localeCompare(x.syncedAt)).slice(0, options.limit);
  }

  async recentInteractions(keys: string[], limit: number): Promise<StoredEvent[]> {
    if (keys.length === 0) return [];
    const { rows } = await this.#context.db().query<EventRow>(`SELECT * FROM events WHERE kind = 'interaction' AND ${SUBJECT_SQL} = ANY($1::text[]) ORDER BY seq DESC LIMIT $2`, [keys, limit]);
    return rows.map(toStoredEvent);
  }

  async forget(keys: string[], options: { now: Date }): Promise<number> {
    const now = options.now.getTime();
    return this.#context.db().transaction(async (tx) => {
      await this.#lock(tx);
      let forgotten = 0;
      for (const key of keys) {
        const identity = await this.#identity(tx, key);
        if (!identity) continue;
        await tx.query('DELETE FROM identity_mentions WHERE identity_key = $1', [key]);
        await tx.query('DELETE FROM identity_links WHERE key_a = $1 OR key_b = $1', [key]);
        await tx.query('DELETE FROM person_parent_changes WHERE identity_key = $1', [key]);
        await tx.query('DELETE FROM identities WHERE key = $1', [key]);
        forgotten++;
        const left = await this.#members(tx, identity.person_id);
        if (left.length === 0) { await tx.query('DELETE FROM persons WHERE id = $1', [identity.person_id]); continue; }
        if ((await this.#person(tx, identity.person_id))!.primary_key === key) {
          await tx.query('UPDATE persons SET primary_key = $1, updated_at = $2 WHERE id = $3', [left[0]!.key, now, identity.person_id]);
          await this.#parentChanged(tx, left.map((m) => m.key), now);
        }
      }
      return forgotten;
    });
  }
}
