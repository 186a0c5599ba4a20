/**
 * The sandbox org's object catalog: `describe` bodies for the six objects the connector touches
 * (SocialPersona, SocialPost, Case, Contact, Lead, Account), the `GET /sobjects/` body and the
 * `GET /limits` body.
 *
 * Case, Contact, Lead and Account are real `describe` outputs, served as they are (only the API
 * version inside `urls` becomes the one asked for). SocialPersona and SocialPost exist only as
 * `soqlMetadata` dumps of a real org, which lack most keys Salesforce's describe has (length,
 * createable, updateable, defaultedOnCreate, externalId, …). They are completed here from the object
 * reference and the wire reference (§10); every value that no source gives is a guess, listed in
 * `GUESSES` (never in the served describe). metadata/SOURCES.md says where each file came from.
 */
import accountDescribe from './metadata/Account.describe.json' with { type: 'json' };
import caseDescribe from './metadata/Case.describe.json' with { type: 'json' };
import contactDescribe from './metadata/Contact.describe.json' with { type: 'json' };
import leadDescribe from './metadata/Lead.describe.json' with { type: 'json' };
import limitsSample from './metadata/limits.json' with { type: 'json' };
import describeGlobalSample from './metadata/sobjects.describeGlobal.json' with { type: 'json' };
import socialPersonaMetadata from './metadata/SocialPersona.soqlMetadata.json' with { type: 'json' };
import socialPostMetadata from './metadata/SocialPost.soqlMetadata.json' with { type: 'json' };
import type { ChildRelationship, FieldDescribe, PicklistValue, SObjectDescribe } from './types.ts';

/** The objects the sandbox serves, by API name. */
export const SANDBOX_OBJECTS = ['SocialPersona', 'SocialPost', 'Case', 'Contact', 'Lead', 'Account'] as const;

/** What `{version}` in a served URL stands for; `describeAt` fills it in. */
export const VERSION_PLACEHOLDER = '{version}';

/**
 * Operator changes to the catalog.
 * - `fieldOverrides`: object → field → keys to replace on that field (e.g. mark
 *   `SocialPost.ExternalPostId` as `externalId: true`, which the reference could not confirm).
 * - `customFields`: object → fields to add (`Parley_Key__c`…); names must end in `__c`.
 */
export interface DescribeOptions {
  fieldOverrides?: Record<string, Record<string, Partial<FieldDescribe>>>;
  customFields?: Record<string, Array<Partial<FieldDescribe> & { name: string; type: string }>>;
}

/** `GET /services/data/vXX.X/sobjects/`. */
export interface DescribeGlobalBody {
  encoding: 'UTF-8';
  maxBatchSize: 200;
  sobjects: Array<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------------
// Field shapes

/** Types whose value is text with a maximum `length` (characters). */
const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'multipicklist', 'url', 'email', 'phone', 'combobox', 'encryptedstring']);

/** Field types an operator may give a custom field. */
const CUSTOM_FIELD_TYPES = new Set([...TEXT_TYPES, 'reference', 'boolean', 'int', 'double', 'currency', 'percent', 'date', 'datetime']);

/** Salesforce's SOAP type per field type, as the real describes in metadata/ show them. */
const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID', reference: 'tns:ID', boolean: 'xsd:boolean', int: 'xsd:int', double: 'xsd:double', currency: 'xsd:double',
  percent: 'xsd:double', date: 'xsd:date', datetime: 'xsd:dateTime',
};

/** Keys every field of a real describe carries with the same value unless the field is special. */
const FIELD_CONSTANTS = {
  aiPredictionField: false, autoNumber: false, calculated: false, calculatedFormula: null, cascadeDelete: false, caseSensitive: false,
  compoundFieldName: null, controllerName: null, defaultValueFormula: null, dependentPicklist: false, deprecatedAndHidden: false,
  displayLocationInDecimal: false, encrypted: false, externalId: false, filteredLookupInfo: null, formulaTreatNullNumberAsZero: false,
  highScaleNumber: false, htmlFormatted: false, idLookup: false, mask: null, maskType: null, nameField: false, namePointing: false,
  queryByDistance: false, referenceTargetField: null, relationshipOrder: null, restrictedDelete: false, restrictedPicklist: false,
  searchPrefilterable: false, unique: false, writeRequiresMasterRead: false,
} as const;

/** Length, digits, precision, scale and SOAP type a field of `type` has when nothing else is known. */
function typeDefaults(type: string): Pick<FieldDescribe, 'length' | 'digits' | 'precision' | 'scale'> & { soapType: string } {
  const soapType = SOAP_TYPES[type] ?? 'xsd:string';
  if (type === 'id' || type === 'reference') return { length: 18, digits: 0, precision: 0, scale: 0, soapType };
  if (type === 'int') return { length: 0, digits: 9, precision: 0, scale: 0, soapType };
  if (type === 'double' || type === 'currency' || type === 'percent') return { length: 0, digits: 0, precision: 18, scale: 0, soapType };
  return { length: TEXT_TYPES.has(type) ? 255 : 0, digits: 0, precision: 0, scale: 0, soapType };
}

/** Bytes Salesforce reserves for a field: 3 per character of text (every real describe here), 18 for ids. */
function byteLengthOf(type: string, length: number): number {
  if (type === 'id' || type === 'reference') return 18;
  return TEXT_TYPES.has(type) ? length * 3 : 0;
}

// ---------------------------------------------------------------------------------------------
// SocialPersona and SocialPost: completing the soqlMetadata dumps

/** One field as the soqlMetadata dump gives it. */
interface SoqlField {
  name: string;
  type: string;
  label: string;
  nillable: boolean;
  custom: boolean;
  picklistValues: PicklistValue[];
  referenceTo: string[];
  relationshipName: string | null;
  defaultValue: unknown;
  [key: string]: unknown;
}

/** The soqlMetadata dump of one object. */
interface SoqlMetadata {
  name: string;
  label: string;
  custom: boolean;
  queryable: boolean;
  fields: SoqlField[];
  childRelationships: ChildRelationship[];
}

/**
 * What is known about a field beyond the dump: `set` holds keys taken from a source (the object
 * reference, the field reference, reference §10); `guess` says which of them are guesses and why.
 * Keys neither here nor given by a rule get a default, which is recorded as a guess automatically.
 */
interface FieldFacts {
  set?: Partial<FieldDescribe>;
  guess?: string;
}

/** Written by Salesforce on every record; never by a client (the same in every real describe here). */
const AUDIT_FIELDS = new Set(['Id', 'IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp']);
/** Set by Salesforce when a user views a record; read-only, not defaulted (as in the real Case describe). */
const VIEW_FIELDS = new Set(['LastViewedDate', 'LastReferencedDate']);

const RW = { createable: true, updateable: true } as const;

/**
 * SocialPersona. Sources: the object reference (SocialPersona; Properties for AreWeFollowing…
 * ExternalPictureURL, Followers, Following, InfluencerScore, IsBlacklisted, IsDefault, IsFollowingUs),
 * the field reference (lengths: AuthorLabels, ExternalId, ExternalPictureURL, ProfileType, ProfileUrl
 * 255; AvatarUrl 1024; Bio 32000) and reference §10 (Name, ParentId, Provider required; the string
 * fields "create and update").
 */
const PERSONA_FACTS: Record<string, FieldFacts> = {
  Name: { set: { ...RW, length: 255, nameField: true }, guess: 'length 255: the usual Name length; the field reference excerpt at hand does not reach Name' },
  ParentId: {
    set: { ...RW },
    guess: 'updateable true: re-parenting a persona (from its orphan SocialPost parent to a Contact) is how Social Customer Service links it; not confirmed',
  },
  Provider: {
    set: { ...RW, length: 255, restrictedPicklist: true },
    guess:
      'restrictedPicklist true: the network list is fixed by Salesforce (not editable in Setup), so an unknown value is refused as a bad restricted-picklist value; ' +
      'length 255 like ProfileType, the picklist on this object whose length the field reference gives; updateable true: reference §10 marks it [unconfirmed]',
  },
  ExternalId: {
    set: { ...RW, length: 255 },
    guess: 'externalId and idLookup false: the object reference does not call it an External ID (reference §5: unconfirmed); override with fieldOverrides',
  },
  ExternalPictureURL: { set: { ...RW, length: 255 } },
  ProfileUrl: { set: { ...RW, length: 255 } },
  AuthorLabels: { set: { ...RW, length: 255 } },
  Bio: { set: { ...RW, length: 32000 } },
  AvatarUrl: { set: { length: 1024, createable: false, updateable: false } },
  ProfileType: { set: { length: 255 } },
  Followers: { set: { ...RW } },
  Following: { set: { ...RW } },
  InfluencerScore: { set: { ...RW } },
  RealName: { set: { ...RW } },
  TopicType: { set: { ...RW } },
  MediaType: { set: { ...RW } },
  MediaProvider: { set: { ...RW } },
  R6SourceId: { set: { ...RW } },
  SourceApp: { set: { ...RW } },
};

const SHORT_PICKLIST = 'length 40 like Classification and EngagementLevel, the standard picklists of SocialPost whose length the field reference gives; restrictedPicklist false: the object reference excerpt at hand does not say "Restricted picklist" for it';

/**
 * SocialPost. Sources: the object reference (SocialPost; Properties for AnalyzerScore, AssignedTo,
 * AttachmentType, AttachmentUrl, Classification, CommentCount, Content, DeletedById), the field
 * reference (lengths: AssignedTo, AttachmentType, AttachmentUrl, ExternalPostId, Handle, Headline,
 * KeywordGroupName, Language, LikedBy 255; Classification, EngagementLevel 40; Content 32000;
 * AnalyzerScore 18/3) and reference §10 (Name required; ParentId, PersonaId, WhoId, ReplyToId are what
 * a connector sets).
 */
const POST_FACTS: Record<string, FieldFacts> = {
  OwnerId: {
    set: { ...RW, defaultedOnCreate: true, namePointing: true },
    guess: 'as Case.OwnerId in the real Case describe: createable, updateable, defaulted on create to the running user',
  },
  Name: { set: { ...RW, length: 255, nameField: true }, guess: 'length 255: the usual Name length; the field reference excerpt at hand does not reach Name' },
  Posted: {
    set: { ...RW, defaultedOnCreate: false },
    guess:
      'defaultedOnCreate false, so Posted is required on create: the dump has nillable false and defaultValue null, and in every real describe here the ' +
      'non-nillable fields Salesforce fills itself are audit fields, OwnerId and checkboxes (all defaultedOnCreate); nothing says Salesforce fills Posted, ' +
      'and Apex test code for SocialPost always sets it. Override with fieldOverrides if a real org says otherwise',
  },
  ParentId: { set: { ...RW } },
  PersonaId: { set: { ...RW } },
  WhoId: { set: { ...RW } },
  ReplyToId: { set: { ...RW } },
  Content: { set: { ...RW, length: 32000 } },
  Headline: { set: { length: 255 } },
  Handle: { set: { length: 255 } },
  ExternalPostId: {
    set: { length: 255 },
    guess: 'externalId and idLookup false: the object reference does not call it an External ID (reference §5: unconfirmed); override with fieldOverrides',
  },
  Provider: {
    set: { length: 255, restrictedPicklist: true },
    guess:
      'restrictedPicklist true: the network list is fixed by Salesforce (not editable in Setup), so an unknown value is refused as a bad restricted-picklist value; ' +
      'length 255 like SocialPersona.ProfileType',
  },
  Status: { set: { length: 40, restrictedPicklist: false }, guess: SHORT_PICKLIST },
  MessageType: { set: { length: 40, restrictedPicklist: false }, guess: SHORT_PICKLIST },
  Sentiment: { set: { length: 40, restrictedPicklist: false }, guess: SHORT_PICKLIST },
  SpamRating: { set: { length: 40, restrictedPicklist: false }, guess: SHORT_PICKLIST },
  TopicType: { set: { length: 40, restrictedPicklist: false }, guess: SHORT_PICKLIST },
  ReviewedStatus: { set: { length: 40, restrictedPicklist: false }, guess: SHORT_PICKLIST + '; the dump lists no values for it, so any value is accepted' },
  Classification: { set: { ...RW, length: 40 } },
  EngagementLevel: { set: { length: 40 } },
  AttachmentType: { set: { ...RW, length: 255, restrictedPicklist: true } },
  AttachmentUrl: { set: { ...RW, length: 255 } },
  AssignedTo: { set: { length: 255, createable: true, updateable: false } },
  AnalyzerScore: { set: { ...RW, precision: 18, scale: 3 } },
  ReviewScore: { set: { precision: 18, scale: 3 }, guess: 'precision 18, scale 3 as AnalyzerScore, the double whose digits the field reference gives' },
  ReviewScale: { set: { precision: 18, scale: 3 }, guess: 'precision 18, scale 3 as AnalyzerScore, the double whose digits the field reference gives' },
  CommentCount: { set: { ...RW } },
  DeletedById: { set: { ...RW } },
  KeywordGroupName: { set: { length: 255 } },
  Language: { set: { length: 255 } },
  LikedBy: { set: { length: 255 } },
  StatusMessage: { set: { length: 255 }, guess: 'length 255: the dump marks it filterable and sortable, which long text areas never are, so it is a short (255) text area' },
  PostTags: { set: { length: 32000 }, guess: 'length 32000: not filterable or sortable in the dump, i.e. a long text area, like Content (32000)' },
  SourceTags: { set: { length: 32000 }, guess: 'length 32000: not filterable or sortable in the dump, i.e. a long text area, like Content (32000)' },
  Notes: { set: { length: 32000 }, guess: 'length 32000: not filterable or sortable in the dump, i.e. a long text area, like Content (32000)' },
  TruncatedContent: { guess: 'may be computed by Salesforce from Content (label "Message Clipping"); nothing says so, so it is treated as an ordinary field' },
};

/** Per object: key prefix (unless describeGlobal has it), plural label, list-view scopes, and why. */
interface ObjectFacts {
  keyPrefix: string;
  keyPrefixGuess: string;
  labelPlural: string;
  supportedScopes: Array<{ label: string; name: string }>;
  fields: Record<string, FieldFacts>;
}

const SOCIAL_OBJECTS: Record<'SocialPersona' | 'SocialPost', { metadata: SoqlMetadata; facts: ObjectFacts }> = {
  SocialPersona: {
    metadata: socialPersonaMetadata as unknown as SoqlMetadata,
    facts: {
      keyPrefix: '0SP',
      keyPrefixGuess: "'0SP': not in the describeGlobal dump at hand and not confirmed by any source read (reference §2: [unconfirmed])",
      labelPlural: 'Social Personas',
      supportedScopes: [{ label: 'All social personas', name: 'everything' }],
      fields: PERSONA_FACTS,
    },
  },
  SocialPost: {
    metadata: socialPostMetadata as unknown as SoqlMetadata,
    facts: {
      keyPrefix: '0ST',
      keyPrefixGuess: "'0ST': not in the describeGlobal dump at hand and not confirmed by any source read (reference §2: [unconfirmed])",
      labelPlural: 'Social Posts',
      supportedScopes: [{ label: 'All social posts', name: 'everything' }, { label: 'My social posts', name: 'mine' }],
      fields: POST_FACTS,
    },
  },
};

/** What the completion did to every field of a social object (recorded once per object in GUESSES). */
const FIELD_RULES =
  'Every field: unique, caseSensitive, calculated, encrypted, externalId, idLookup (but Id) false, as for the ordinary fields of the real describes; ' +
  'byteLength 3 × length (18 for ids); int digits 9 (field reference); double precision 18, scale 0 unless stated; ' +
  'permissionable = createable && (nillable || boolean); polymorphicForeignKey = more than one referenceTo. ' +
  'Audit fields (Id, IsDeleted, CreatedDate, CreatedById, LastModifiedDate, LastModifiedById, SystemModstamp) not createable/updateable, ' +
  'defaulted on create; LastViewedDate/LastReferencedDate read-only; non-nillable checkboxes defaulted on create (defaultValue false): ' +
  'all as in the real Case, Contact, Lead and Account describes.';

const OBJECT_RULES =
  'createable, updateable, deletable, queryable, retrieveable, searchable, replicateable, undeletable, layoutable true: the object reference ' +
  'lists create(), delete(), describeLayout(), getDeleted(), getUpdated(), query(), retrieve(), search(), undelete(), update(), upsert(). ' +
  'Guessed: mergeable false, triggerable true, compactLayoutable true, searchLayoutable true, activateable false, deepCloneable false, ' +
  'feedEnabled from a Feed child relationship, mruEnabled from LastViewedDate, recordTypeInfos only the Master record type, actionOverrides and ' +
  'namedLayoutInfos empty, supportedScopes, urls as for Account (without the ui* URLs, which name the org host)';

/** One completed field and what was guessed for it. */
interface CompletedField {
  field: FieldDescribe;
  guesses: string[];
}

/** Rule-given keys (not guesses): audit and view fields, checkboxes, polymorphic references. */
function ruleKeys(meta: SoqlField): Partial<FieldDescribe> {
  if (AUDIT_FIELDS.has(meta.name)) return { createable: false, updateable: false, defaultedOnCreate: true, idLookup: meta.name === 'Id' };
  if (VIEW_FIELDS.has(meta.name)) return { createable: false, updateable: false, defaultedOnCreate: false };
  if (meta.type === 'boolean') return { createable: true, updateable: true, defaultedOnCreate: true };
  return { defaultedOnCreate: false };
}

/**
 * Completes one soqlMetadata field into a full describe field. The dump's own keys win over
 * everything; `facts` over rules; rules over defaults. Returns the guesses the defaults made.
 */
function completeField(meta: SoqlField, facts: FieldFacts): CompletedField {
  const guesses: string[] = [];
  const rules = ruleKeys(meta);
  const given = { ...rules, ...facts.set };
  if (given.createable === undefined || given.updateable === undefined) {
    guesses.push('createable/updateable true (default for an ordinary field; no source seen)');
  }
  if (TEXT_TYPES.has(meta.type) && given.length === undefined) guesses.push('length 255 (default; no source seen)');
  if (facts.guess) guesses.push(facts.guess);

  const { soapType, ...sizes } = typeDefaults(meta.type);
  const merged: Record<string, unknown> = { ...FIELD_CONSTANTS, ...sizes, soapType, createable: true, updateable: true, ...given, ...meta };
  const type = meta.type;
  const length = merged.length as number;
  const createable = merged.createable as boolean;
  const field: Record<string, unknown> = {
    ...merged,
    byteLength: given.byteLength ?? byteLengthOf(type, length),
    permissionable: !AUDIT_FIELDS.has(meta.name) && createable && (meta.nillable || type === 'boolean'),
    polymorphicForeignKey: meta.referenceTo.length > 1,
  };
  return { field: sortKeys(field) as FieldDescribe, guesses };
}

/** The object's key prefix from the describeGlobal dump, when the dump lists it. */
function keyPrefixFromGlobal(name: string): string | undefined {
  const entry = (describeGlobalSample.sobjects as Array<{ name: string; keyPrefix: string | null }>).find((o) => o.name === name);
  return entry?.keyPrefix ?? undefined;
}

/** The `urls` of an object, with `{version}` for the API version (as Account's describe has them, less ui*). */
function objectUrls(name: string): Record<string, string> {
  const base = `/services/data/v${VERSION_PLACEHOLDER}/sobjects/${name}`;
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    approvalLayouts: `${base}/describe/approvalLayouts`,
    defaultValues: `${base}/defaultValues?recordTypeId&fields`,
    listviews: `${base}/listviews`,
    describe: `${base}/describe`,
    quickActions: `${base}/quickActions`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  };
}

/** A social object's full describe, and the guesses made for it (field → text; `@…` for object keys). */
function completeSocialObject(metadata: SoqlMetadata, facts: ObjectFacts): { describe: SObjectDescribe; guesses: Record<string, string> } {
  const guesses: Record<string, string> = { '*': FIELD_RULES, '@object': OBJECT_RULES };
  const fields = metadata.fields.map((meta) => {
    const completed = completeField(meta, facts.fields[meta.name] ?? {});
    if (completed.guesses.length > 0) guesses[meta.name] = completed.guesses.join('; ');
    return completed.field;
  });
  const fromGlobal = keyPrefixFromGlobal(metadata.name);
  if (fromGlobal === undefined) guesses['@keyPrefix'] = facts.keyPrefixGuess;
  guesses['@labelPlural'] = `'${facts.labelPlural}': Salesforce's usual plural of the label '${metadata.label}'`;
  const describe: Record<string, unknown> = {
    actionOverrides: [],
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    childRelationships: metadata.childRelationships,
    compactLayoutable: true,
    createable: true,
    custom: metadata.custom,
    customSetting: false,
    deepCloneable: false,
    defaultImplementation: null,
    deletable: true,
    deprecatedAndHidden: false,
    extendedBy: null,
    extendsInterfaces: null,
    feedEnabled: metadata.childRelationships.some((r) => r.childSObject === `${metadata.name}Feed`),
    fields,
    hasSubtypes: false,
    implementedBy: null,
    implementsInterfaces: null,
    isInterface: false,
    isSubtype: false,
    keyPrefix: fromGlobal ?? facts.keyPrefix,
    label: metadata.label,
    labelPlural: facts.labelPlural,
    layoutable: true,
    listviewable: null,
    lookupLayoutable: null,
    mergeable: false,
    mruEnabled: metadata.fields.some((f) => f.name === 'LastViewedDate'),
    name: metadata.name,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    queryable: metadata.queryable,
    recordTypeInfos: [{
      active: true, available: true, defaultRecordTypeMapping: true, developerName: 'Master', master: true, name: 'Master',
      recordTypeId: '012000000000000AAA',
      urls: { layout: `/services/data/v${VERSION_PLACEHOLDER}/sobjects/${metadata.name}/describe/layouts/012000000000000AAA` },
    }],
    replicateable: true,
    retrieveable: true,
    searchLayoutable: true,
    searchable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: facts.supportedScopes,
    triggerable: true,
    undeletable: true,
    updateable: true,
    urls: objectUrls(metadata.name),
  };
  return { describe: describe as SObjectDescribe, guesses };
}

/** A copy of `value` with its keys in alphabetical order, as Salesforce writes describe JSON. */
function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// API versions inside URLs

const VERSION_SEGMENT = /\/services\/data\/v[^/]+\//g;

/** Rewrites the API version of every URL under a `urls` key of `node` (in place). */
function setUrlVersion(node: unknown, version: string, underUrls = false): void {
  if (Array.isArray(node)) {
    for (const item of node) setUrlVersion(item, version, underUrls);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    const inUrls = underUrls || key === 'urls';
    if (typeof value === 'string' && inUrls) record[key] = value.replace(VERSION_SEGMENT, `/services/data/v${version}/`);
    else if (key !== 'fields') setUrlVersion(value, version, inUrls);
  }
}

/**
 * The describe as served for API `version` ("62.0"): a copy whose `urls` (object and record types)
 * name that version.
 */
export function describeAt(describe: SObjectDescribe, version: string): SObjectDescribe {
  const copy = structuredClone(describe);
  setUrlVersion(copy, version);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Building the catalog

/** Checks the little a real describe JSON must have to be served; throws on a broken metadata file. */
function asDescribe(json: unknown, file: string): SObjectDescribe {
  const candidate = json as Partial<SObjectDescribe> | null;
  if (!candidate || typeof candidate.name !== 'string' || !Array.isArray(candidate.fields)) {
    throw new Error(`metadata/${file} is not a describe: it needs a name and a fields array`);
  }
  return structuredClone(candidate as SObjectDescribe);
}

/** The six describes with `{version}` in their URLs, before operator options. Fresh objects on every call. */
function baseDescribes(): Map<string, SObjectDescribe> {
  const full = [
    asDescribe(caseDescribe, 'Case.describe.json'),
    asDescribe(contactDescribe, 'Contact.describe.json'),
    asDescribe(leadDescribe, 'Lead.describe.json'),
    asDescribe(accountDescribe, 'Account.describe.json'),
  ];
  const social = Object.values(SOCIAL_OBJECTS).map(({ metadata, facts }) => completeSocialObject(structuredClone(metadata), facts).describe);
  const map = new Map<string, SObjectDescribe>();
  for (const describe of [...social, ...full]) {
    // The real describes were taken at v48, v59 and a docs "vxx.0"; the served version is the client's.
    setUrlVersion(describe, VERSION_PLACEHOLDER);
    map.set(describe.name, describe);
  }
  return map;
}

/** The field of `describe` called `name` (case-insensitive, as Salesforce matches names). */
function findField(describe: SObjectDescribe, name: string): FieldDescribe | undefined {
  const lower = name.toLowerCase();
  return describe.fields.find((f) => f.name.toLowerCase() === lower);
}

/** The describe of `object`, or an Error naming the option that asked for an unknown object. */
function describeFor(describes: Map<string, SObjectDescribe>, object: string, option: string): SObjectDescribe {
  const describe = describes.get(object);
  if (!describe) throw new Error(`${option}: unknown object '${object}' (the sandbox serves ${SANDBOX_OBJECTS.join(', ')})`);
  return describe;
}

/** Applies `fieldOverrides` in place. @throws Error for an unknown object or field, or a renamed field */
function applyOverrides(describes: Map<string, SObjectDescribe>, overrides: NonNullable<DescribeOptions['fieldOverrides']>): void {
  for (const [object, fields] of Object.entries(overrides)) {
    const describe = describeFor(describes, object, 'fieldOverrides');
    for (const [name, keys] of Object.entries(fields)) {
      const field = findField(describe, name);
      if (!field) throw new Error(`fieldOverrides: ${object} has no field '${name}' (add new fields with customFields)`);
      if (keys.name !== undefined && keys.name !== field.name) throw new Error(`fieldOverrides: ${object}.${field.name} cannot be renamed`);
      Object.assign(field, keys);
      // A new length moves the byte length with it, as Salesforce reports them together.
      if (keys.length !== undefined && keys.byteLength === undefined) field.byteLength = byteLengthOf(field.type, field.length);
    }
  }
}

const CUSTOM_NAME = /^[A-Za-z][A-Za-z0-9_]*__c$/;

/**
 * A custom field's full describe from the operator's partial one: a nillable, createable,
 * updateable field of that type (checkboxes defaulted to false), External ID fields also idLookup.
 * @throws Error when the name does not end in `__c` or the type is not one a custom field can have
 */
function customField(object: string, spec: Partial<FieldDescribe> & { name: string; type: string }): FieldDescribe {
  if (!CUSTOM_NAME.test(spec.name)) {
    throw new Error(`customFields: '${spec.name}' on ${object} is not a custom field name: Salesforce custom field names end in '__c' (e.g. Parley_Key__c)`);
  }
  if (!CUSTOM_FIELD_TYPES.has(spec.type)) {
    throw new Error(`customFields: ${object}.${spec.name} has type '${spec.type}'; use one of ${[...CUSTOM_FIELD_TYPES].join(', ')}`);
  }
  const { soapType, ...sizes } = typeDefaults(spec.type);
  const isBoolean = spec.type === 'boolean';
  const longText = spec.type === 'textarea';
  const referenceTo = spec.referenceTo ?? [];
  const field: Record<string, unknown> = {
    ...FIELD_CONSTANTS,
    ...sizes,
    soapType,
    aggregatable: !isBoolean && !longText,
    createable: true,
    updateable: true,
    defaultValue: isBoolean ? false : null,
    defaultedOnCreate: isBoolean,
    extraTypeInfo: longText ? 'plaintextarea' : null,
    filterable: !longText,
    groupable: !longText,
    sortable: !longText,
    inlineHelpText: null,
    label: spec.name.replace(/__c$/, '').replace(/_/g, ' '),
    nillable: !isBoolean,
    permissionable: true,
    picklistValues: [],
    referenceTo,
    relationshipName: spec.type === 'reference' ? spec.name.replace(/__c$/, '__r') : null,
    polymorphicForeignKey: referenceTo.length > 1,
    ...spec,
    custom: true,
  };
  field.idLookup = spec.idLookup ?? spec.externalId ?? false;
  field.byteLength = spec.byteLength ?? byteLengthOf(spec.type, field.length as number);
  return sortKeys(field) as FieldDescribe;
}

/** Adds `customFields` in place, after the standard fields (where Salesforce lists them). @throws Error on a bad or duplicate field */
function addCustomFields(describes: Map<string, SObjectDescribe>, custom: NonNullable<DescribeOptions['customFields']>): void {
  for (const [object, specs] of Object.entries(custom)) {
    const describe = describeFor(describes, object, 'customFields');
    for (const spec of specs) {
      const field = customField(object, spec);
      if (findField(describe, field.name)) throw new Error(`customFields: ${object} already has a field '${field.name}'`);
      describe.fields.push(field);
    }
  }
}

/**
 * The sandbox's catalog: API name → describe, for exactly SocialPersona, SocialPost, Case,
 * Contact, Lead and Account. URLs carry `{version}` (see `describeAt`). Each call returns new
 * objects, so callers may change them freely.
 * @throws Error when an option names an unknown object or field, or a custom field name lacks `__c`
 */
export function buildDescribes(options: DescribeOptions = {}): Map<string, SObjectDescribe> {
  const describes = baseDescribes();
  if (options.fieldOverrides) applyOverrides(describes, options.fieldOverrides);
  if (options.customFields) addCustomFields(describes, options.customFields);
  return describes;
}

/**
 * Everything guessed in the completed SocialPersona and SocialPost describes: object → field →
 * what was guessed and why. `*` holds the rules applied to every field, `@…` object-level keys.
 */
export const GUESSES: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(SOCIAL_OBJECTS).map(([name, { metadata, facts }]) => [name, completeSocialObject(metadata, facts).guesses]),
);

// ---------------------------------------------------------------------------------------------
// /sobjects/ and /limits

/** The keys of one `GET /sobjects/` entry, in Salesforce's order (taken from the real dump). */
const GLOBAL_ENTRY_KEYS = Object.keys(describeGlobalSample.sobjects[0] ?? {});

/** One `sobjects[]` entry of `GET /sobjects/` for a describe, its URLs at `version`. */
function globalEntry(describe: SObjectDescribe, version: string): Record<string, unknown> {
  const served = describeAt(describe, version);
  const entry: Record<string, unknown> = {};
  for (const key of GLOBAL_ENTRY_KEYS) entry[key] = served[key] ?? null;
  // describeGlobal lists the resource URLs only: the ui* templates and defaultValues are describe-only.
  const urls = (served.urls ?? {}) as Record<string, string>;
  entry.urls = Object.fromEntries(Object.entries(urls).filter(([key]) => !key.startsWith('ui') && key !== 'defaultValues'));
  return entry;
}

/**
 * The `GET /services/data/v{version}/sobjects/` body listing the given objects (sorted by name, as
 * Salesforce does): `{ encoding: 'UTF-8', maxBatchSize: 200, sobjects: [{ name, label, keyPrefix, …, urls }] }`.
 */
export function describeGlobal(describes: Map<string, SObjectDescribe>, version: string): DescribeGlobalBody {
  const sorted = [...describes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: sorted.map((d) => globalEntry(d, version)) };
}

/**
 * The `GET /limits` body: the real org's limits (metadata/limits.json) with `DailyApiRequests` set to
 * `{ Max: dailyMax, Remaining: max(0, dailyMax - used) }` (per-app entries kept).
 * @throws RangeError when an argument is not a non-negative integer
 */
export function limitsBody(dailyMax: number, used: number): Record<string, unknown> {
  for (const [name, value] of [['dailyMax', dailyMax], ['used', used]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`limitsBody: ${name} must be a non-negative integer, got ${value}`);
  }
  const body = structuredClone(limitsSample) as Record<string, unknown>;
  body.DailyApiRequests = { ...(body.DailyApiRequests as Record<string, unknown>), Max: dailyMax, Remaining: Math.max(0, dailyMax - used) };
  return body;
}
