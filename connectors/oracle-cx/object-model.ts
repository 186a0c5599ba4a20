/**
 * How Parley's flat records map onto Oracle CX's REST resources: vendor facts as data, read by the
 * catalog (catalog.ts), the write plan (write-plan.ts) and the session. Wire facts:
 * ../shared/reference/oracle-cx.md §6 (resources and their semantics), §2 (item URLs), §3 (upsert).
 *
 * - **Objects** are named as Oracle's resources (`socialUsers`); `messages` is the service request's
 *   child (`/serviceRequests/{SrNumber}/child/messages`), addressed through its SR.
 * - **Record ids**: Parley keeps each record's key attribute as Oracle answers it. A contact's is
 *   its `PartyId` (not the `PartyNumber` of its URL): that is what `serviceRequests.PrimaryContactPartyId` takes.
 * - **Look-up paths** (`socialPost/SourcePostIdPrimary`) find a record Oracle opened by itself: the
 *   SR a root social post made (§6.2). **Look-up references** (`socialPost`, `ParentPost`) name a
 *   record this one waits for. Neither is ever written.
 */

/** The resources Parley writes (contacts: only matched), in catalog order. */
export const OBJECTS = ['socialUsers', 'socialPosts', 'serviceRequests', 'messages', 'contacts'] as const;
export type OracleObject = (typeof OBJECTS)[number];

/** Per object, the attribute whose value is Parley's record id (§2: item URLs use it, except contacts). */
export const RECORD_KEY: Readonly<Record<OracleObject, string>> = {
  socialUsers: 'UserId',
  socialPosts: 'PostId',
  serviceRequests: 'SrNumber',
  messages: 'MessageId',
  contacts: 'PartyId',
};

/** What each object allows (§6): socialPosts have no PATCH, socialUsers no DELETE; contacts are only matched. */
export const OPERATIONS: Readonly<Record<OracleObject, { create: boolean; update: boolean; delete: boolean }>> = {
  socialUsers: { create: true, update: true, delete: false },
  socialPosts: { create: true, update: false, delete: true },
  serviceRequests: { create: true, update: true, delete: true },
  messages: { create: true, update: true, delete: true },
  contacts: { create: false, update: false, delete: false },
};

/**
 * Objects Oracle cannot delete, and what a delete (an erasure) writes instead: socialUsers has no
 * DELETE (§6.1), so the row is emptied of what identifies the person; the network's user id stays,
 * as the key of Oracle's unique index.
 */
export const DELETE_AS_UPDATE: Readonly<Partial<Record<OracleObject, Readonly<Record<string, unknown>>>>> = {
  socialUsers: { SocialNetworkUserName: '(erased)', ImageURL: null, ProfileURL: null, FollowerCount: null },
};

/** The attribute that names a message's service request: part of its path, never of its payload. */
export const MESSAGE_PARENT = 'SrNumber';

/**
 * How an upsert on a match key is carried out:
 * - `upsert-mode`: a batch part with operation `upsert` (POST with `Upsert-Mode: true`, §3): Oracle
 *   matches socialUsers on (SocialNetworkCd, SocialNetworkUserId), the unique index of §6.1, so
 *   the payload carries both.
 * - `find-or-create`: posts are immutable (no PATCH, §6.2): the session looks the values up, creates
 *   the absent and answers a found one `done`, unchanged. A plain create of a post is written the
 *   same way (the shipped mappings are create-only: a resync must not make a second copy).
 * Any other match key: looked up, then PATCHed when found (when the object allows it), else created.
 */
export const UPSERT_KEYS: Readonly<Partial<Record<OracleObject, Readonly<Record<string, 'upsert-mode' | 'find-or-create'>>>>> = {
  socialUsers: { SocialNetworkUserId: 'upsert-mode' },
  socialPosts: { SourcePostIdPrimary: 'find-or-create' },
};

/** Per object, the attributes holding another record's id (Parley fills them with that record's id), and which objects they may name. */
export const REFERENCES: Readonly<Partial<Record<OracleObject, Readonly<Record<string, readonly OracleObject[]>>>>> = {
  socialPosts: { SocialUserId: ['socialUsers'] },
  serviceRequests: { PrimaryContactPartyId: ['contacts'] },
  messages: { [MESSAGE_PARENT]: ['serviceRequests'] },
};

/**
 * The look-up path: "the SR Oracle opened for the root post with this `SourcePostIdPrimary`" (§6.2);
 * for a reply's id, the SR of its thread (the one its message went on).
 */
export const SR_BY_POST = 'socialPost/SourcePostIdPrimary';

/** Per object, the look-up-only paths it can be found by (never written). On messages it names the SR the message goes on. */
export const LOOKUP_PATHS: Readonly<Partial<Record<OracleObject, readonly string[]>>> = {
  serviceRequests: [SR_BY_POST],
  messages: [SR_BY_POST],
};

/**
 * Per object, look-up references (waited for, never written): an escalation or a message waits for
 * the post whose SR it addresses; a reply waits for its parent post, so Oracle can thread it.
 */
export const LOOKUP_REFERENCES: Readonly<Partial<Record<OracleObject, Readonly<Record<string, readonly OracleObject[]>>>>> = {
  serviceRequests: { socialPost: ['socialPosts'] },
  messages: { socialPost: ['socialPosts'] },
  socialPosts: { ParentPost: ['socialPosts'] },
};

/** The parent post attribute of a reply: the parent's `SourcePostIdPrimary`, as the network gives it (§6.2). */
export const PARENT_POST = 'ParentPostId';

/** `ObjectTypeCd` of a post that opened a service request (its `ObjectId` is the SR's `SrId`, §6.2). */
export const SR_OBJECT_TYPE = 'SVC_SERVICE_REQUESTS';

/**
 * Attributes that hold numbers (int64 ids, counts): a query compares them bare, not quoted (§2).
 * Used when no describe was read yet; describe's `type` answers for the others.
 */
export const NUMERIC_ATTRIBUTES: ReadonlySet<string> = new Set(['UserId', 'PostId', 'SocialUserId', 'ObjectId', 'SrId', 'PartyId', 'MessageId', 'PrimaryContactPartyId', 'FollowerCount']);

/** Whether `name` is an object of this connector. */
export function isOracleObject(name: string): name is OracleObject {
  return (OBJECTS as readonly string[]).includes(name);
}

/** Whether `field` of `object` is never sent in a payload: a look-up path or reference, or a message's SR. */
export function isNeverWritten(object: OracleObject, field: string): boolean {
  return (LOOKUP_PATHS[object]?.includes(field) ?? false)
    || LOOKUP_REFERENCES[object]?.[field] !== undefined
    || (object === 'messages' && field === MESSAGE_PARENT);
}

/**
 * The path of an object's collection or item relative to the version root (§4: batch parts use
 * it): `/socialUsers`, `/socialUsers/300000000000001`, `/serviceRequests/SR0000000001/child/messages/…`.
 * `sr` is a message's SrNumber. Keys are URL-encoded (an SrNumber is safe; a composite key would not be).
 */
export function resourcePath(object: OracleObject, options: { id?: string; sr?: string } = {}): string {
  const collection = object === 'messages' ? `/serviceRequests/${encodeURIComponent(options.sr ?? '')}/child/messages` : `/${object}`;
  return options.id === undefined ? collection : `${collection}/${encodeURIComponent(options.id)}`;
}
