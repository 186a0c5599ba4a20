/**
 * Building the sandbox's catalog (`buildDescribes`): the four real describes and the two completed
 * social objects, with the operator's field overrides and custom fields applied.
 */
import accountDescribe from './metadata/Account.describe.json' with { type: 'json' };
import caseDescribe from './metadata/Case.describe.json' with { type: 'json' };
import contactDescribe from './metadata/Contact.describe.json' with { type: 'json' };
import leadDescribe from './metadata/Lead.describe.json' with { type: 'json' };
import { setUrlVersion, VERSION_PLACEHOLDER } from './describe-bodies.ts';
import { byteLengthOf, FIELD_CONSTANTS, sortKeys, TEXT_TYPES, typeDefaults } from './describe-fields.ts';
import { completeSocialObject, SOCIAL_OBJECTS } from './describe-metadata.ts';
import type { FieldDescribe, SObjectDescribe } from './types.ts';

/** The objects the sandbox serves, by API name. */
export const SANDBOX_OBJECTS = ['SocialPersona', 'SocialPost', 'Case', 'Contact', 'Lead', 'Account'] as const;

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

/** Field types an operator may give a custom field. */
const CUSTOM_FIELD_TYPES = new Set([...TEXT_TYPES, 'reference', 'boolean', 'int', 'double', 'currency', 'percent', 'date', 'datetime']);

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
