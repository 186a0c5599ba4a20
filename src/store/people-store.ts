import type { StoredEvent } from '../model/index.ts';
import type { NewOperation, Page } from './store.ts';

/**
 * One person across networks, as the store keeps it (issue 20 part 4; ARCHITECTURE.md "Fixed
 * interfaces": People). Every identity seen (a profile, or an interaction's author) is a row of its
 * own and belongs to exactly one person: at first a person of that one identity. Identities are
 * joined into one person by a link (evidence, confidence, who decided); a weak match waits as a
 * link in `review`; an unmerge leaves a `rejected` link so the rules do not join them again.
 *
 * A person has a primary identity (the one it was made for, or after an unmerge of that one the
 * oldest left): the CRM parent of every other member's persona follows the primary's (see
 * src/people/parent-changes.ts). Whenever a member's primary changes, the identity is queued as a
 * parent change in the same transaction; the lead instance turns those into CRM updates.
 */

/** What an event told about an identity, ready to be kept. */
export interface IdentityObservation {
  /** `network:userId`. */
  key: string;
  network: string;
  userId: string;
  handle?: string;
  displayName?: string;
  email?: string;
  /** The source vouches for the e-mail (the account proved it owns it). */
  emailVerified?: boolean;
  location?: string;
  profileUrl?: string;
  /** Handles (lower case, no `@`) that the profile's address or bio names: cross-link evidence. */
  mentions?: string[];
  /** The identity event that carried the full profile; absent when only an interaction's author was seen. */
  eventId?: string;
  /** When the profile was true (an identity's `observedAt`, an interaction's `occurredAt`), ISO 8601. */
  observedAt: string;
  /** The stored event it was read from: when that event is gone (erased since it was read), the observation is ignored. */
  seenIn?: string;
}

/** An identity as kept: the newest full profile's fields, the person it belongs to. */
export interface StoredIdentity {
  key: string;
  network: string;
  userId: string;
  handle?: string;
  displayName?: string;
  email?: string;
  emailVerified: boolean;
  location?: string;
  profileUrl?: string;
  mentions: string[];
  /** The newest identity event with a full profile. */
  eventId?: string;
  personId: string;
  firstSeen: string;
  lastSeen: string;
}

/** Why two identities are (or may be) one person. Kinds only: no personal data is kept in evidence. */
export type EvidenceKind = 'verified-email' | 'email' | 'name-and-location' | 'cross-link' | 'decision';
export interface Evidence { kind: EvidenceKind; note?: string }

export type LinkState = 'linked' | 'review' | 'rejected';

/** A link between two identities (the pair in key order), with what it rests on and who decided. */
export interface IdentityLink {
  id: string;
  identityKey: string;
  otherKey: string;
  evidence: Evidence[];
  /** 0–1 (src/people/linking-rules.ts). */
  confidence: number;
  state: LinkState;
  /** `parley` for the rules' automatic links, else the API key's name. */
  decidedBy?: string;
  decidedAt?: string;
  createdAt: string;
}

export interface StoredPerson {
  id: string;
  /** The identity whose CRM parent the others' personas follow. */
  primaryKey: string;
  /** Oldest first. */
  identities: StoredIdentity[];
  /** Every link naming one of its identities (rejected ones too: the unmerges). */
  links: IdentityLink[];
  createdAt: string;
  updatedAt: string;
}

/** What the linking rules concluded about a pair: `link` joins them now, `review` waits for a person. */
export interface LinkProposal {
  identityKey: string;
  otherKey: string;
  evidence: Evidence[];
  confidence: number;
  decision: 'link' | 'review';
}

/** A CRM record Parley wrote for an identity (its persona, its posts), from the outbox. */
export interface PersonRecord {
  destination: string;
  object: string;
  recordKey: string;
  crmId: string;
  /** When it was last written, ISO 8601. */
  syncedAt: string;
  /** The identity it belongs to. */
  identityKey: string;
}

/** An identity whose persona's parent must move (its person's primary changed). */
export interface ParentChange { seq: number; identityKey: string; eventId?: string }

/** What `link` and `unlink` answer when they cannot: a missing person or identity, or a pointless change. */
export type MembershipRefusal = { refused: 'no-person' | 'no-identity' | 'not-a-member' | 'only-identity' };

export interface PeopleStore {
  /** Events after the indexer's cursor (profiles and authors to index, erasures of identities to act on), in store order, at most `limit`, with the cursor after the last. */
  readIndexable(limit: number): Promise<{ events: StoredEvent[]; cursor?: string }>;
  /**
   * Keeps what events told about identities, in ONE transaction: a new identity gets a person of
   * its own; a newer full profile replaces the fields of an older one (an older one, arriving late,
   * changes nothing but `lastSeen`); an author seen in an interaction only fills a missing handle.
   * An observation whose `seenIn` event is no longer stored (an erasure removed it after the
   * indexer read it) is ignored: an erased person must not come back from a page read before.
   * Idempotent. @returns the keys whose profile changed (new, or new fields): the rules look at those.
   */
  observe(observations: IdentityObservation[], options: { now: Date }): Promise<string[]>;
  /** Per key, the identities the rules should compare it with: same e-mail, same display name, or a handle named by one of the two. */
  candidates(keys: string[]): Promise<Array<{ identity: StoredIdentity; candidates: StoredIdentity[] }>>;
  /**
   * Applies the rules' proposals and moves the cursor, in ONE transaction. A pair rejected before is
   * left alone; `link` merges the two persons (the older survives) and keeps the link as `linked`
   * by `parley`; `review` keeps a link in `review` unless the pair has one already or is one person.
   */
  commitIndex(page: { proposals: LinkProposal[]; cursor?: string; now: Date }): Promise<void>;
  /** Identities whose handle, display name or e-mail contains `q` (case-insensitive), oldest first; every identity without `q`. */
  search(query: { q?: string; limit: number; after?: string }): Promise<Page<StoredIdentity>>;
  getIdentity(key: string): Promise<StoredIdentity | undefined>;
  getPerson(id: string): Promise<StoredPerson | undefined>;
  /** The keys of a person's identities, oldest first (empty for an unknown person): erasure starts here. */
  identitiesOf(personId: string): Promise<string[]>;
  /**
   * Joins the identity — and the identities already linked with it — to the person, as a decision
   * by `decidedBy`. ONE transaction. Already a member: answered as it is.
   */
  link(personId: string, identityKey: string, options: { decidedBy: string; now: Date }): Promise<StoredPerson | MembershipRefusal>;
  /**
   * Unmerge: the identity leaves the person for a person of its own; its links with the members
   * left become `rejected` by `decidedBy` (the rules will not join them again). ONE transaction.
   * @returns the person it left, and the id of its new person
   */
  unlink(personId: string, identityKey: string, options: { decidedBy: string; now: Date }): Promise<{ person: StoredPerson; newPersonId: string } | MembershipRefusal>;
  /** Links by state (default `review`), oldest first. */
  listLinks(query: { state?: LinkState; limit: number; after?: string }): Promise<Page<IdentityLink>>;
  getLink(id: string): Promise<IdentityLink | undefined>;
  /**
   * Approves (the two persons are merged, the link `linked`) or rejects a link in review, as
   * `decidedBy`. ONE transaction. @returns the link as it is now; undefined for an unknown id. A
   * link no longer in review is answered as it is.
   */
  decideLink(id: string, options: { approve: boolean; decidedBy: string; now: Date }): Promise<IdentityLink | undefined>;
  /** The primary identity of each key's person (keys not kept are left out). */
  primaries(keys: string[]): Promise<Array<{ key: string; primaryKey: string }>>;
  /** Identities whose persona's parent must move, oldest first, at most `limit`. */
  readParentChanges(limit: number): Promise<ParentChange[]>;
  /**
   * Queues the updates that move the parents (the outbox's rules apply) and forgets the changes up
   * to `throughSeq`, in ONE transaction.
   */
  commitParentChanges(page: { throughSeq: number; operations: NewOperation[]; now: Date }): Promise<void>;
  /** The CRM records Parley wrote for these identities at these destinations (outbox operations done), newest first, at most `limit`. */
  records(keys: string[], options: { destinations: string[]; limit: number }): Promise<PersonRecord[]>;
  /** The newest interactions authored by these identities, newest first, at most `limit`. */
  recentInteractions(keys: string[], limit: number): Promise<StoredEvent[]>;
  /**
   * Forgets identities (erasure): their rows, links and pending parent changes. A person left
   * without identities is deleted; one that lost its primary takes its oldest member left. ONE
   * transaction. @returns how many identities were forgotten
   */
  forget(keys: string[], options: { now: Date }): Promise<number>;
}

// Rows, as both stores keep them (epoch ms, JSON as text; SQLite answers 0/1 for booleans).

export interface IdentityRow {
  seq: number; key: string; network: string; user_id: string; handle: string | null; display_name: string | null;
  email: string | null; email_verified: number | boolean; location: string | null; profile_url: string | null; mentions: string;
  event_id: string | null; person_id: string; first_seen: number | string; last_seen: number | string;
}
export interface LinkRow {
  seq: number; id: string; key_a: string; key_b: string; evidence: string; confidence: number; state: LinkState;
  decided_by: string | null; decided_at: number | string | null; created_at: number | string;
}
export interface PersonRow { seq: number; id: string; primary_key: string; created_at: number | string; updated_at: number | string }

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export function toStoredIdentity(r: IdentityRow): StoredIdentity {
  return {
    key: r.key, network: r.network, userId: r.user_id,
    ...(r.handle !== null ? { handle: r.handle } : {}), ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    ...(r.email !== null ? { email: r.email } : {}), emailVerified: r.email_verified === true || r.email_verified === 1,
    ...(r.location !== null ? { location: r.location } : {}), ...(r.profile_url !== null ? { profileUrl: r.profile_url } : {}),
    mentions: JSON.parse(r.mentions) as string[], ...(r.event_id !== null ? { eventId: r.event_id } : {}),
    personId: r.person_id, firstSeen: iso(r.first_seen), lastSeen: iso(r.last_seen),
  };
}

export function toIdentityLink(r: LinkRow): IdentityLink {
  return {
    id: r.id, identityKey: r.key_a, otherKey: r.key_b, evidence: JSON.parse(r.evidence) as Evidence[], confidence: Number(r.confidence), state: r.state,
    ...(r.decided_by !== null ? { decidedBy: r.decided_by } : {}), ...(r.decided_at !== null ? { decidedAt: iso(r.decided_at) } : {}), createdAt: iso(r.created_at),
  };
}

export function toStoredPerson(p: PersonRow, identities: IdentityRow[], links: LinkRow[]): StoredPerson {
  return {
    id: p.id, primaryKey: p.primary_key, identities: identities.map(toStoredIdentity), links: links.map(toIdentityLink),
    createdAt: iso(p.created_at), updatedAt: iso(p.updated_at),
  };
}

/** A pair in key order, as links keep it. */
export function pairOf(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/** Lower case and single spaces, for comparing names, locations and e-mails. */
export function normalized(value: string | undefined): string | null {
  if (value === undefined) return null;
  const n = value.trim().toLowerCase().replace(/\s+/g, ' ');
  return n === '' ? null : n;
}
