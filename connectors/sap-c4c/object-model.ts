/**
 * How Parley's flat records map onto C4C's business objects: vendor facts as data, read by the
 * catalog (metadata/catalog.ts) and the session. Wire facts: ../shared/reference/sap-c4c.md §5.
 *
 * - **Child-node fields** are named `<Navigation>/<Property>`, OData's own path syntax: a social
 *   media user profile's channel identity (`SocialMediaUserProfileUserInformation/SocialMediaUserAccountID`)
 *   lives in a child node, not on the root. They are deep-inserted on create (§5.1) and written to
 *   the child's own entity set on update (OData v2 has no deep update); a look-up by one of them
 *   queries the child set and answers the parent's ObjectID.
 * - **UUID references** are `Edm.Guid` properties holding another record's UUID (§5.2: "the author's
 *   SMUP, hyphenated"). Parley keeps ObjectIDs; a root's UUID is its ObjectID hyphenated (§2, Keys).
 * - **Look-up paths** find a record Parley did not write: the ticket C4C opened itself for a root
 *   social media activity (§5.2), by the activity's `SocialMediaMessageID`.
 */

/** Per entity type, the child-node navigations whose properties a mapping may write as `<Navigation>/<Property>`. */
export const CHILD_NODES: Readonly<Record<string, readonly string[]>> = {
  SocialMediaUserProfile: ['SocialMediaUserProfileUserInformation'],
};

/** Per entity type, the `Edm.Guid` properties that hold another record's UUID, and which objects they may name. */
export const UUID_REFERENCES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  SocialMediaActivity: {
    SocialMediaUserProfileUUID: ['SocialMediaUserProfile'],
    ParentSocialMediaActivityUUID: ['SocialMediaActivity'],
    RootSocialMediaActivityUUID: ['SocialMediaActivity'],
  },
  // The business partner the profile belongs to (§5.1: AccountUUID, "contact or individual customer").
  SocialMediaUserProfile: { AccountUUID: ['IndividualCustomer', 'Contact'] },
};

/** The look-up path of a ticket: the `SocialMediaMessageID` of the root social media activity it was opened for. */
export const TICKET_BY_ACTIVITY_MESSAGE = 'SocialMediaActivity/SocialMediaMessageID';

/** Per entity type, the look-up-only paths it can be found by (never written). */
export const LOOKUP_PATHS: Readonly<Record<string, readonly string[]>> = {
  ServiceRequest: [TICKET_BY_ACTIVITY_MESSAGE],
};

/**
 * Per entity type, look-up-only references (never written): a mapping names the record this one
 * depends on, so that its write waits for that record (a `wait` reference). A ticket's update names
 * the root activity C4C opened it for: it is held until that activity is written, and then the
 * ticket exists to be found.
 */
export const LOOKUP_REFERENCES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  ServiceRequest: { SocialMediaActivity: ['SocialMediaActivity'] },
};

/** A child-node field's two parts, or undefined for a root property (`A/B` → `{ navigation: 'A', property: 'B' }`). */
export function childPath(field: string): { navigation: string; property: string } | undefined {
  const slash = field.indexOf('/');
  if (slash <= 0 || slash !== field.lastIndexOf('/') || slash === field.length - 1) return undefined;
  return { navigation: field.slice(0, slash), property: field.slice(slash + 1) };
}

/** A 32-hex ObjectID as the hyphenated GUID C4C's `…UUID` properties take (8-4-4-4-12); anything else unchanged. */
export function uuidOf(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[0-9A-Fa-f]{32}$/.test(value)) return value;
  return `${value.slice(0, 8)}-${value.slice(8, 12)}-${value.slice(12, 16)}-${value.slice(16, 20)}-${value.slice(20)}`.toUpperCase();
}

/** Whether `field` of `object` is a look-up path or look-up reference (matched on or waited for, never written). */
export function isLookupPath(object: string, field: string): boolean {
  return (LOOKUP_PATHS[object]?.includes(field) ?? false) || LOOKUP_REFERENCES[object]?.[field] !== undefined;
}
