/**
 * The resources this pod serves, as data: per resource its key, methods, and attribute table
 * (name, type, length, mandatory, when it may be written, LOV). Names and lengths are the contract's
 * reading of ../shared/reference/oracle-cx.md §6 (DB columns and SOAP names; REST names [inferred]).
 * Validation (validate.ts), describe (describe.ts) and queries read these tables; nothing else
 * hard-codes an attribute.
 */
import type { OracleCxSandboxConfig } from './config.ts';

/** ADF attribute types as describe spells them. */
export type AttributeType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

/** Where an LOV's codes come from: a config key, or a fixed list. */
export type LovSource = keyof Pick<OracleCxSandboxConfig, 'socialNetworkCodes' | 'postMessageTypeCodes' | 'severityCodes'> | readonly string[];

/** One attribute of a resource. */
export interface AttributeSpec {
  name: string;
  title: string;
  type: AttributeType;
  /** Longest string value, characters (absent: a LOB or not a string). */
  maxLength?: number;
  /** Required on create. */
  mandatory?: boolean;
  /** `always`: create and update; `create`: on create only; `never`: server-set (read-only). Default `always`. */
  allowChanges?: 'always' | 'create' | 'never';
  /** Codes the attribute accepts (describe names the lookup, never the values). */
  lov?: { lookup: string; codes: LovSource };
  /** A foreign key: the value must be `attribute` of an existing row of `resource` (else 400). */
  references?: { resource: string; attribute: string };
  /** Value on create when the payload has none. */
  default?: string | number | boolean;
  description?: string;
}

/** HTTP methods a resource's collection and item answer; others are 405. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One resource (or the SR child `messages`). */
export interface ResourceSpec {
  name: string;
  title: string;
  titlePlural: string;
  /** The attribute whose value is the item URL's key. */
  key: string;
  methods: readonly Method[];
  attributes: readonly AttributeSpec[];
  /** Attributes that identify a row for `Upsert-Mode` besides the key (socialUsers: network + user ID, §6.1). */
  alternateKey?: readonly string[];
  /** LOB attributes also served raw at `<item>/enclosure/<name>` as application/octet-stream. */
  enclosures?: readonly string[];
  /** Child collections under `<item>/child/<name>`. */
  children?: Readonly<Record<string, ResourceSpec>>;
}

const CHANNEL_TYPES = ['ORA_SVC_CHAT', 'ORA_SVC_EMAIL', 'ORA_SVC_PHONE', 'ORA_SVC_SOCIAL', 'ORA_SVC_WEB', 'ORA_SVC_NONE'] as const;
const STATUS_CODES = ['ORA_SVC_NEW', 'ORA_SVC_IN_PROGRESS', 'ORA_SVC_WAITING', 'ORA_SVC_RESOLVED', 'ORA_SVC_CLOSED'] as const;
const MESSAGE_TYPES = ['ORA_SVC_CUSTOMER_ENTRY', 'ORA_SVC_RESPONSE', 'ORA_SVC_INTERNAL_NOTE'] as const;

const readOnly = (name: string, title: string, type: AttributeType, maxLength?: number): AttributeSpec =>
  ({ name, title, type, allowChanges: 'never', ...(maxLength ? { maxLength } : {}) });
const CREATED = readOnly('CreationDate', 'Creation Date', 'datetime');
const UPDATED = readOnly('LastUpdateDate', 'Last Update Date', 'datetime');

/** `socialUsers` (§6.1): unique on (SocialNetworkCd, SocialNetworkUserId); no DELETE. */
const SOCIAL_USERS: ResourceSpec = {
  name: 'socialUsers', title: 'Social User', titlePlural: 'Social Users', key: 'UserId', methods: ['GET', 'POST', 'PATCH'],
  alternateKey: ['SocialNetworkCd', 'SocialNetworkUserId'],
  attributes: [
    readOnly('UserId', 'User ID', 'integer'),
    { name: 'SocialNetworkCd', title: 'Social Network', type: 'string', maxLength: 30, mandatory: true, lov: { lookup: 'HZ_INSTANT_MESSENGER_TYPE', codes: 'socialNetworkCodes' } },
    { name: 'SocialNetworkUserId', title: 'Social Network User ID', type: 'string', maxLength: 200, mandatory: true, description: 'The user\'s ID on the social network.' },
    { name: 'SocialNetworkUserName', title: 'Social Network User Name', type: 'string', maxLength: 200 },
    { name: 'ImageURL', title: 'Profile Image URL', type: 'string', maxLength: 1000 },
    { name: 'ProfileURL', title: 'Profile URL', type: 'string', maxLength: 1000 },
    { name: 'FollowerCount', title: 'Followers', type: 'integer' },
    CREATED, UPDATED,
  ],
};

/** `socialPosts` (§6.2): no PATCH, so every writable attribute is set on create only. */
const SOCIAL_POSTS: ResourceSpec = {
  name: 'socialPosts', title: 'Social Post', titlePlural: 'Social Posts', key: 'PostId', methods: ['GET', 'POST', 'DELETE'],
  enclosures: ['PostContent'],
  attributes: [
    readOnly('PostId', 'Post ID', 'integer'),
    { name: 'SocialUserId', title: 'Social User ID', type: 'integer', allowChanges: 'create', references: { resource: 'socialUsers', attribute: 'UserId' }, description: 'The socialUsers.UserId of the author.' },
    { name: 'SourcePostIdPrimary', title: 'Source Post ID Primary', type: 'string', maxLength: 255, allowChanges: 'create', description: 'The post\'s ID on the social network.' },
    { name: 'SourcePostIdSecondary', title: 'Source Post ID Secondary', type: 'string', maxLength: 255, allowChanges: 'create' },
    { name: 'ParentPostId', title: 'Social Post Parent Post ID', type: 'string', maxLength: 255, allowChanges: 'create', description: 'The parent post\'s SourcePostIdPrimary; empty for a root post, which opens a service request.' },
    { name: 'ChannelCd', title: 'Social Post Channel Code', type: 'string', maxLength: 30, allowChanges: 'create', lov: { lookup: 'HZ_INSTANT_MESSENGER_TYPE', codes: 'socialNetworkCodes' } },
    { name: 'PostContent', title: 'Social Post Content', type: 'string', allowChanges: 'create' },
    { name: 'PostDate', title: 'Social Post Date', type: 'datetime', allowChanges: 'create' },
    { name: 'MessageTypeCd', title: 'Social Post Message Type Code', type: 'string', maxLength: 30, allowChanges: 'create', lov: { lookup: 'ORA_SVC_SOC_POST_MSG_TYPE_CD', codes: 'postMessageTypeCodes' } },
    { name: 'CanRespondFlag', title: 'Allows Response', type: 'boolean', allowChanges: 'create', default: true },
    { name: 'DeletedFlag', title: 'Deleted', type: 'boolean', allowChanges: 'create', default: false },
    { name: 'SourceCd', title: 'Source Code', type: 'string', maxLength: 30, allowChanges: 'create', default: 'SRM' },
    readOnly('ObjectId', 'Object ID', 'integer'),
    readOnly('ObjectTypeCd', 'Object Type', 'string', 30),
    readOnly('ProcessingStatusCd', 'Processing Status', 'string', 30),
    readOnly('ProcessingMessage', 'Processing Message', 'string', 4000),
    CREATED,
  ],
};

/** `serviceRequests/{SrNumber}/child/messages` (§6.4). */
const MESSAGES: ResourceSpec = {
  name: 'messages', title: 'Message', titlePlural: 'Messages', key: 'MessageId', methods: ['GET', 'POST', 'PATCH', 'DELETE'],
  attributes: [
    readOnly('MessageId', 'Message ID', 'integer'),
    { name: 'MessageContent', title: 'Message Content', type: 'string' },
    { name: 'MessageTypeCd', title: 'Message Type', type: 'string', maxLength: 30, lov: { lookup: 'ORA_SVC_MESSAGE_TYPE_CD', codes: MESSAGE_TYPES }, default: 'ORA_SVC_CUSTOMER_ENTRY' },
    { name: 'ChannelTypeCd', title: 'Channel Type', type: 'string', maxLength: 30, lov: { lookup: 'ORA_SVC_CHANNEL_TYPE_CD', codes: CHANNEL_TYPES } },
    { name: 'MessageCreatedBy', title: 'Message Created By', type: 'string', maxLength: 400 },
    CREATED,
  ],
};

/** `serviceRequests` (§6.3): key SrNumber. */
const SERVICE_REQUESTS: ResourceSpec = {
  name: 'serviceRequests', title: 'Service Request', titlePlural: 'Service Requests', key: 'SrNumber', methods: ['GET', 'POST', 'PATCH', 'DELETE'],
  children: { messages: MESSAGES },
  attributes: [
    readOnly('SrId', 'Service Request ID', 'integer'),
    readOnly('SrNumber', 'Reference Number', 'string', 30),
    { name: 'Title', title: 'Title', type: 'string', maxLength: 400, mandatory: true },
    { name: 'ProblemDescription', title: 'Problem Description', type: 'string' },
    { name: 'SeverityCd', title: 'Severity', type: 'string', maxLength: 30, lov: { lookup: 'ORA_SVC_SEVERITY_CD', codes: 'severityCodes' }, default: 'ORA_SVC_SEV3' },
    { name: 'StatusCd', title: 'Status', type: 'string', maxLength: 30, lov: { lookup: 'ORA_SVC_SR_STATUS_CD', codes: STATUS_CODES }, default: 'ORA_SVC_NEW' },
    { name: 'ChannelTypeCd', title: 'Channel Type', type: 'string', maxLength: 30, lov: { lookup: 'ORA_SVC_CHANNEL_TYPE_CD', codes: CHANNEL_TYPES }, default: 'ORA_SVC_NONE' },
    { name: 'SourceCd', title: 'Source', type: 'string', maxLength: 30 },
    { name: 'PrimaryContactPartyId', title: 'Primary Contact ID', type: 'integer', references: { resource: 'contacts', attribute: 'PartyId' }, description: 'The contacts.PartyId of the primary contact.' },
    readOnly('PrimaryContactPartyName', 'Primary Contact', 'string', 360),
    { name: 'CategoryName', title: 'Category', type: 'string', maxLength: 400 },
    { name: 'QueueName', title: 'Queue', type: 'string', maxLength: 400 },
    { name: 'OpenDate', title: 'Open Date', type: 'datetime' },
    CREATED, UPDATED,
  ],
};

/** `contacts` (§6.5): key PartyNumber. */
const CONTACTS: ResourceSpec = {
  name: 'contacts', title: 'Contact', titlePlural: 'Contacts', key: 'PartyNumber', methods: ['GET', 'POST', 'PATCH', 'DELETE'],
  attributes: [
    readOnly('PartyId', 'Party ID', 'integer'),
    readOnly('PartyNumber', 'Registry ID', 'string', 30),
    { name: 'FirstName', title: 'First Name', type: 'string', maxLength: 150 },
    { name: 'LastName', title: 'Last Name', type: 'string', maxLength: 150, mandatory: true },
    { name: 'EmailAddress', title: 'Email', type: 'string', maxLength: 320 },
    CREATED, UPDATED,
  ],
};

/** The top-level resources by name, in describe order. */
export const RESOURCES: Readonly<Record<string, ResourceSpec>> = {
  socialUsers: SOCIAL_USERS, socialPosts: SOCIAL_POSTS, serviceRequests: SERVICE_REQUESTS, contacts: CONTACTS,
};

/** Every stored table: the top-level resources and the children (named alone: `messages`). */
export const TABLES: readonly ResourceSpec[] = [SOCIAL_USERS, SOCIAL_POSTS, SERVICE_REQUESTS, MESSAGES, CONTACTS];

/** The attribute `name` of `resource`, if it has one. */
export function attributeOf(resource: ResourceSpec, name: string): AttributeSpec | undefined {
  return resource.attributes.find((a) => a.name === name);
}

/** An LOV's codes under `config`. */
export function lovCodes(source: LovSource, config: Pick<OracleCxSandboxConfig, 'socialNetworkCodes' | 'postMessageTypeCodes' | 'severityCodes'>): readonly string[] {
  return typeof source === 'string' ? config[source as keyof typeof config] : source;
}
