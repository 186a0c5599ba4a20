/**
 * SocialPersona and SocialPost exist only as `soqlMetadata` dumps of a real org, which lack most keys
 * Salesforce's describe has (length, createable, updateable, defaultedOnCreate, externalId, …). They
 * are completed here from the object reference and the wire reference (§10); every value that no
 * source gives is a guess, listed in `GUESSES` (never in the served describe). metadata/SOURCES.md
 * says where each file came from.
 */
import describeGlobalSample from './metadata/sobjects.describeGlobal.json' with { type: 'json' };
import socialPersonaMetadata from './metadata/SocialPersona.soqlMetadata.json' with { type: 'json' };
import socialPostMetadata from './metadata/SocialPost.soqlMetadata.json' with { type: 'json' };
import { VERSION_PLACEHOLDER } from './describe-bodies.ts';
import { byteLengthOf, FIELD_CONSTANTS, sortKeys, TEXT_TYPES, typeDefaults } from './describe-fields.ts';
import type { ChildRelationship, FieldDescribe, PicklistValue, SObjectDescribe } from './types.ts';

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

export const SOCIAL_OBJECTS: Record<'SocialPersona' | 'SocialPost', { metadata: SoqlMetadata; facts: ObjectFacts }> = {
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
export function completeSocialObject(metadata: SoqlMetadata, facts: ObjectFacts): { describe: SObjectDescribe; guesses: Record<string, string> } {
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

/**
 * Everything guessed in the completed SocialPersona and SocialPost describes: object → field →
 * what was guessed and why. `*` holds the rules applied to every field, `@…` object-level keys.
 */
export const GUESSES: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(SOCIAL_OBJECTS).map(([name, { metadata, facts }]) => [name, completeSocialObject(metadata, facts).guesses]),
);
