import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDescribes, describeAt, describeGlobal, GUESSES, limitsBody, SANDBOX_OBJECTS, VERSION_PLACEHOLDER } from './describes.ts';
import type { FieldDescribe, SObjectDescribe } from './types.ts';

/** A metadata file read straight from disk, so the checks do not go through the module under test. */
function artifact(file: string): { name: string; fields: Array<Record<string, unknown> & { name: string; custom: boolean }>; [key: string]: unknown } {
  return JSON.parse(readFileSync(new URL(`./metadata/${file}`, import.meta.url), 'utf8'));
}

const FULL = ['Case', 'Contact', 'Lead', 'Account'] as const;
const SOCIAL = ['SocialPersona', 'SocialPost'] as const;
const artifactFile = (name: string) => (SOCIAL.includes(name as (typeof SOCIAL)[number]) ? `${name}.soqlMetadata.json` : `${name}.describe.json`);

function get(map: Map<string, SObjectDescribe>, name: string): SObjectDescribe {
  const d = map.get(name);
  if (!d) throw new Error(`no describe for ${name}`);
  return d;
}

function field(d: SObjectDescribe, name: string): FieldDescribe {
  const f = d.fields.find((x) => x.name === name);
  if (!f) throw new Error(`${d.name} has no field ${name}`);
  return f;
}

const requiredOnCreate = (d: SObjectDescribe) => d.fields.filter((f) => !f.nillable && f.createable && !f.defaultedOnCreate).map((f) => f.name);

describe('buildDescribes', () => {
  const describes = buildDescribes();

  it('serves exactly SocialPersona, SocialPost, Case, Contact, Lead and Account, keyed by API name', () => {
    expect([...describes.keys()].sort()).toEqual([...SANDBOX_OBJECTS].sort());
    for (const [name, d] of describes) expect(d.name).toBe(name);
  });

  // The check an outside acceptance test makes through jsforce's describe(): same fields, types, picklists.
  it.each([...FULL, ...SOCIAL])('%s: every non-custom field of the real artifact is served with the same type and picklist values', (name) => {
    const served = get(describes, name);
    for (const real of artifact(artifactFile(name)).fields.filter((f) => !f.custom)) {
      const f = field(served, real.name);
      expect(f.type, `${name}.${real.name}`).toBe(real.type);
      expect(f.picklistValues, `${name}.${real.name}`).toEqual(real.picklistValues);
    }
  });

  it.each(FULL)('%s: the real describe is served field for field as it is', (name) => {
    const real = artifact(artifactFile(name));
    const served = get(describes, name);
    expect(served.fields).toEqual(real.fields);
    expect(served.childRelationships).toEqual(real.childRelationships);
    expect(served.keyPrefix).toBe(real.keyPrefix);
  });

  it.each(SOCIAL)('%s: every key the soqlMetadata dump gives a field is kept exactly', (name) => {
    const served = get(describes, name);
    const real = artifact(artifactFile(name));
    expect(served.fields.map((f) => f.name)).toEqual(real.fields.map((f) => f.name));
    for (const realField of real.fields) {
      const f = field(served, realField.name);
      for (const [key, value] of Object.entries(realField)) expect(f[key], `${name}.${realField.name}.${key}`).toEqual(value);
    }
    expect(served.label).toBe(real.label);
    expect(served.childRelationships).toEqual(real.childRelationships);
  });

  it.each(SOCIAL)('%s: each field has every key of a real describe field, of the same JSON type, and no other key', (name) => {
    const model = artifact('Case.describe.json').fields[0] as Record<string, unknown>;
    const modelKeys = Object.keys(model).sort();
    for (const f of get(describes, name).fields) {
      expect(Object.keys(f).sort(), `${name}.${f.name}`).toEqual(modelKeys);
      for (const key of ['length', 'byteLength', 'digits', 'precision', 'scale'] as const) expect(typeof f[key]).toBe('number');
      for (const key of ['createable', 'updateable', 'defaultedOnCreate', 'externalId', 'idLookup', 'unique', 'restrictedPicklist', 'polymorphicForeignKey', 'calculated'] as const) {
        expect(typeof f[key], `${name}.${f.name}.${key}`).toBe('boolean');
      }
    }
  });

  it.each(SOCIAL)('%s: object-level keys are ones real describes have (no sandbox-only keys)', (name) => {
    const realKeys = new Set(FULL.flatMap((o) => Object.keys(artifact(artifactFile(o)))));
    const served = get(describes, name);
    for (const key of Object.keys(served)) expect(realKeys.has(key), key).toBe(true);
    for (const key of ['name', 'label', 'labelPlural', 'keyPrefix', 'createable', 'updateable', 'deletable', 'queryable', 'urls', 'recordTypeInfos']) {
      expect(served[key], key).toBeDefined();
    }
  });

  it.each([
    ['SocialPersona', ['Name', 'ParentId', 'Provider']],
    ['SocialPost', ['Name', 'Posted']],
    ['Case', []],
    ['Contact', ['LastName']],
    ['Lead', ['LastName', 'Company']],
    ['Account', ['Name']],
  ] as const)('%s: required on create (nillable false, createable, not defaulted) is %j', (name, expected) => {
    expect(requiredOnCreate(get(describes, name))).toEqual(expected);
  });

  it.each([
    ['SocialPersona', 'ProfileUrl', { length: 255, byteLength: 765, createable: true, updateable: true }],
    ['SocialPersona', 'Bio', { length: 32000, createable: true, updateable: true }],
    ['SocialPersona', 'AvatarUrl', { length: 1024, createable: false, updateable: false, permissionable: false }],
    ['SocialPersona', 'Provider', { restrictedPicklist: true, createable: true, nillable: false, defaultedOnCreate: false }],
    ['SocialPersona', 'ParentId', { polymorphicForeignKey: true, createable: true, length: 18, byteLength: 18, soapType: 'tns:ID' }],
    ['SocialPersona', 'Name', { nameField: true, length: 255 }],
    ['SocialPersona', 'Id', { createable: false, updateable: false, defaultedOnCreate: true, idLookup: true }],
    ['SocialPersona', 'IsVerified', { defaultedOnCreate: true, defaultValue: false, createable: true, nillable: false }],
    ['SocialPersona', 'ExternalId', { externalId: false, idLookup: false, length: 255 }],
    ['SocialPersona', 'Followers', { digits: 9, soapType: 'xsd:int' }],
    ['SocialPost', 'Content', { length: 32000, byteLength: 96000 }],
    ['SocialPost', 'AttachmentType', { restrictedPicklist: true }],
    ['SocialPost', 'Sentiment', { restrictedPicklist: false }],
    ['SocialPost', 'AssignedTo', { createable: true, updateable: false }],
    ['SocialPost', 'WhoId', { polymorphicForeignKey: true }],
    ['SocialPost', 'ParentId', { polymorphicForeignKey: false, referenceTo: ['Case'] }],
    ['SocialPost', 'OwnerId', { defaultedOnCreate: true, createable: true, polymorphicForeignKey: true }],
    ['SocialPost', 'IsOutbound', { defaultedOnCreate: true, defaultValue: false }],
    ['SocialPost', 'Posted', { nillable: false, createable: true, defaultedOnCreate: false, soapType: 'xsd:dateTime' }],
    ['SocialPost', 'AnalyzerScore', { precision: 18, scale: 3 }],
    ['SocialPost', 'ExternalPostId', { externalId: false, idLookup: false, length: 255 }],
  ] as const)('%s.%s is completed as %j', (object, name, expected) => {
    expect(field(get(describes, object), name)).toMatchObject(expected);
  });

  it.each(SOCIAL)('%s: audit fields are neither createable nor updateable', (name) => {
    for (const audit of ['Id', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp', 'IsDeleted']) {
      expect(field(get(describes, name), audit)).toMatchObject({ createable: false, updateable: false, defaultedOnCreate: true });
    }
  });

  it('takes key prefixes from the describes, guesses the social ones and says so in GUESSES', () => {
    expect(Object.fromEntries([...describes].map(([n, d]) => [n, d.keyPrefix]))).toEqual({
      SocialPersona: '0SP', SocialPost: '0ST', Case: '500', Contact: '003', Lead: '00Q', Account: '001',
    });
    expect(GUESSES.SocialPersona?.['@keyPrefix']).toContain('0SP');
    expect(GUESSES.SocialPost?.['@keyPrefix']).toContain('0ST');
  });

  it('GUESSES names only fields that exist, and records the Posted, ExternalPostId and default-length decisions', () => {
    expect(Object.keys(GUESSES).sort()).toEqual(['SocialPersona', 'SocialPost']);
    for (const [object, entries] of Object.entries(GUESSES)) {
      const d = get(describes, object);
      for (const key of Object.keys(entries)) {
        if (key === '*' || key.startsWith('@')) continue;
        expect(d.fields.some((f) => f.name === key), `${object}.${key}`).toBe(true);
      }
    }
    expect(GUESSES.SocialPost?.Posted).toMatch(/defaultedOnCreate false/);
    expect(GUESSES.SocialPost?.ExternalPostId).toMatch(/externalId/);
    expect(GUESSES.SocialPost?.Recipient).toMatch(/length 255/);
    expect(GUESSES.SocialPersona?.Bio).toBeUndefined(); // length and access both come from the object reference
  });

  it('puts {version} in every URL and describeAt fills it in without touching the catalog', () => {
    for (const d of describes.values()) {
      expect((d.urls as Record<string, string>).describe).toBe(`/services/data/v${VERSION_PLACEHOLDER}/sobjects/${d.name}/describe`);
    }
    const lead = describeAt(get(describes, 'Lead'), '62.0');
    expect((lead.urls as Record<string, string>).sobject).toBe('/services/data/v62.0/sobjects/Lead');
    expect((lead.recordTypeInfos as Array<{ urls: { layout: string } }>)[0]?.urls.layout).toBe('/services/data/v62.0/sobjects/Lead/describe/layouts/012000000000000AAA');
    expect((get(describes, 'Lead').urls as Record<string, string>).sobject).toBe(`/services/data/v${VERSION_PLACEHOLDER}/sobjects/Lead`);
  });

  it('returns independent objects on every call', () => {
    const first = buildDescribes();
    field(get(first, 'SocialPost'), 'Name').length = 3;
    get(first, 'Case').fields.pop();
    const second = buildDescribes();
    expect(field(get(second, 'SocialPost'), 'Name').length).toBe(255);
    expect(get(second, 'Case').fields).toHaveLength(artifact('Case.describe.json').fields.length);
  });
});

describe('buildDescribes options', () => {
  it('fieldOverrides replace keys of a field (names matched case-insensitively)', () => {
    const d = buildDescribes({ fieldOverrides: { SocialPost: { externalpostid: { externalId: true, idLookup: true, unique: true } } } });
    expect(field(get(d, 'SocialPost'), 'ExternalPostId')).toMatchObject({ externalId: true, idLookup: true, unique: true, type: 'string' });
    expect(field(get(buildDescribes(), 'SocialPost'), 'ExternalPostId').externalId).toBe(false);
  });

  it('a length override moves byteLength with it', () => {
    const d = buildDescribes({ fieldOverrides: { SocialPost: { Handle: { length: 80 } } } });
    expect(field(get(d, 'SocialPost'), 'Handle')).toMatchObject({ length: 80, byteLength: 240 });
  });

  it('fieldOverrides refuse unknown objects, unknown fields and renames', () => {
    expect(() => buildDescribes({ fieldOverrides: { Opportunity: { Name: { length: 1 } } } })).toThrow(/unknown object 'Opportunity'/);
    expect(() => buildDescribes({ fieldOverrides: { SocialPost: { Nope: { length: 1 } } } })).toThrow(/SocialPost has no field 'Nope'/);
    expect(() => buildDescribes({ fieldOverrides: { SocialPost: { Name: { name: 'Title' } } } })).toThrow(/cannot be renamed/);
  });

  it('customFields adds Salesforce-shaped custom fields after the standard ones', () => {
    const d = buildDescribes({
      customFields: {
        SocialPost: [{ name: 'Parley_Key__c', type: 'string', externalId: true, unique: true, length: 100 }],
        SocialPersona: [{ name: 'Parley_Key__c', type: 'string', externalId: true }, { name: 'Home_Account__c', type: 'reference', referenceTo: ['Account'] }, { name: 'Flag__c', type: 'boolean' }],
      },
    });
    const post = get(d, 'SocialPost');
    expect(post.fields.at(-1)).toMatchObject({
      name: 'Parley_Key__c', type: 'string', custom: true, externalId: true, idLookup: true, unique: true, length: 100, byteLength: 300,
      nillable: true, createable: true, updateable: true, defaultedOnCreate: false, label: 'Parley Key', soapType: 'xsd:string',
    });
    const persona = get(d, 'SocialPersona');
    expect(field(persona, 'Home_Account__c')).toMatchObject({ relationshipName: 'Home_Account__r', referenceTo: ['Account'], length: 18, polymorphicForeignKey: false });
    expect(field(persona, 'Flag__c')).toMatchObject({ nillable: false, defaultedOnCreate: true, defaultValue: false });
    const modelKeys = Object.keys(artifact('Case.describe.json').fields[0] ?? {}).sort();
    expect(Object.keys(field(persona, 'Parley_Key__c')).sort()).toEqual(modelKeys);
    expect(requiredOnCreate(persona)).toEqual(['Name', 'ParentId', 'Provider']);
  });

  it('customFields refuses names without __c, unknown types and duplicates, with a clear Error', () => {
    expect(() => buildDescribes({ customFields: { SocialPost: [{ name: 'Parley_Key', type: 'string' }] } })).toThrow(/end in '__c'/);
    expect(() => buildDescribes({ customFields: { SocialPost: [{ name: 'Parley_Key', type: 'string' }] } })).toThrow(Error);
    expect(() => buildDescribes({ customFields: { SocialPost: [{ name: 'X__c', type: 'blob' }] } })).toThrow(/type 'blob'/);
    expect(() => buildDescribes({ customFields: { SocialPost: [{ name: 'X__c', type: 'string' }, { name: 'x__c', type: 'string' }] } })).toThrow(/already has a field 'x__c'/);
    expect(() => buildDescribes({ customFields: { Nope: [{ name: 'X__c', type: 'string' }] } })).toThrow(/unknown object 'Nope'/);
  });
});

describe('describeGlobal', () => {
  const describes = buildDescribes();
  const body = describeGlobal(describes, '62.0');
  const real = artifact('sobjects.describeGlobal.json') as unknown as { sobjects: Array<Record<string, unknown>> };

  it('is the GET /sobjects/ body, listing the six objects by name', () => {
    expect(body.encoding).toBe('UTF-8');
    expect(body.maxBatchSize).toBe(200);
    expect(body.sobjects.map((s) => s.name)).toEqual(['Account', 'Case', 'Contact', 'Lead', 'SocialPersona', 'SocialPost']);
  });

  it('gives each entry the keys of a real entry, and the describe values', () => {
    const keys = Object.keys(real.sobjects[0] ?? {});
    for (const entry of body.sobjects) {
      expect(Object.keys(entry)).toEqual(keys);
      const d = get(describes, entry.name as string);
      expect(entry).toMatchObject({ label: d.label, labelPlural: d.labelPlural, keyPrefix: d.keyPrefix, createable: true, queryable: true });
    }
  });

  it('has URLs at the asked version, without the describe-only ui* templates', () => {
    const post = body.sobjects.find((s) => s.name === 'SocialPost');
    expect(post?.urls).toMatchObject({ describe: '/services/data/v62.0/sobjects/SocialPost/describe', sobject: '/services/data/v62.0/sobjects/SocialPost' });
    for (const entry of body.sobjects) {
      for (const [key, url] of Object.entries(entry.urls as Record<string, string>)) {
        expect(key.startsWith('ui')).toBe(false);
        expect(url).toContain('/services/data/v62.0/');
      }
    }
  });
});

describe('limitsBody', () => {
  const real = artifact('limits.json') as unknown as Record<string, Record<string, unknown>>;

  it('sets DailyApiRequests from the arguments and keeps the rest of the real body', () => {
    const body = limitsBody(15000, 25) as Record<string, Record<string, unknown>>;
    expect(body.DailyApiRequests).toMatchObject({ Max: 15000, Remaining: 14975 });
    expect(body.DailyApiRequests?.JWTTest).toEqual(real.DailyApiRequests?.JWTTest);
    expect(body.DataStorageMB).toEqual(real.DataStorageMB);
    expect(Object.keys(body)).toEqual(Object.keys(real));
  });

  it('never reports a negative Remaining', () => {
    expect((limitsBody(100, 250) as Record<string, Record<string, unknown>>).DailyApiRequests).toMatchObject({ Max: 100, Remaining: 0 });
  });

  it('refuses arguments that are not non-negative integers', () => {
    expect(() => limitsBody(-1, 0)).toThrow(RangeError);
    expect(() => limitsBody(10, 1.5)).toThrow(RangeError);
  });
});
