import { describe, expect, it } from 'vitest';
import { buildDescribes } from './describes.ts';
import { SalesforceRequestError, type SObjectDescribe } from './types.ts';
import { applyCreateDefaults, idSuffix, isSalesforceId, makeSalesforceId, normalizeFields, toId18, validateRecord, type ValidationContext } from './validate.ts';

const describes = buildDescribes();
function get(name: string, map: Map<string, SObjectDescribe> = describes): SObjectDescribe {
  const d = map.get(name);
  if (!d) throw new Error(`no describe for ${name}`);
  return d;
}
const persona = get('SocialPersona');
const post = get('SocialPost');
const contact = get('Contact');

// A small org: one record per object, with real-shaped ids.
const CONTACT_ID = makeSalesforceId('003', 1);
const ACCOUNT_ID = makeSalesforceId('001', 2);
const CASE_ID = makeSalesforceId('500', 3);
const PERSONA_ID = makeSalesforceId('0SP', 4);
const records = new Map<string, string>([[CONTACT_ID, 'Contact'], [ACCOUNT_ID, 'Account'], [CASE_ID, 'Case'], [PERSONA_ID, 'SocialPersona']]);
const asked: string[] = [];
const context: ValidationContext = {
  recordById(id) {
    asked.push(id);
    const object = records.get(id);
    return object ? { object } : undefined;
  },
};

const validPersona = { Name: '@ada', ParentId: CONTACT_ID, Provider: 'Twitter' };
const validPost = { Name: 'Hello', Posted: '2024-05-01T10:00:00Z' };

/** The request-level error `run` throws (fails the test when it throws nothing or something else). */
function requestError(run: () => unknown): SalesforceRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof SalesforceRequestError) return error;
    throw error;
  }
  throw new Error('expected a SalesforceRequestError');
}

describe('Salesforce ids', () => {
  it.each(['012000000000000AAA', '01254000001upcKAAQ', '00Dxx0000001gPLEAY', '005xx000001SwiUAAS', '500B000000A1nvPIAR'])('accepts the real 18-character id %s', (id) => {
    expect(isSalesforceId(id)).toBe(true);
  });

  it('accepts 15-character ids and turns them into their 18-character form', () => {
    expect(isSalesforceId('01254000001upcK')).toBe(true);
    expect(toId18('01254000001upcK')).toBe('01254000001upcKAAQ');
    expect(toId18('01254000001upcKAAQ')).toBe('01254000001upcKAAQ');
    expect(idSuffix('500B000000A1nvP')).toBe('IAR');
  });

  it.each(['01254000001upcKAAA', '01254000001upcKaaq', '01254000001upcK', '0125400000upcK', '01254000001upc-AAQ', '', '01254000001upcKAAQX'])('checks %j strictly', (id) => {
    expect(isSalesforceId(id)).toBe(id === '01254000001upcK');
  });

  it('makes valid, distinct 18-character ids with the key prefix, from a counter', () => {
    const seen = new Set<string>();
    for (const counter of [0, 1, 61, 62, 3843, 3844, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      const id = makeSalesforceId('0ST', counter);
      expect(id).toHaveLength(18);
      expect(id.startsWith('0ST')).toBe(true);
      expect(isSalesforceId(id), id).toBe(true);
      expect(isSalesforceId(id.slice(0, 15))).toBe(true);
      expect(toId18(id.slice(0, 15))).toBe(id);
      seen.add(id);
    }
    expect(seen.size).toBe(8);
    expect(makeSalesforceId('001', 1)).toBe('001SB000000000' + '1' + idSuffix('001SB0000000001'));
  });

  it('refuses a bad key prefix or counter', () => {
    expect(() => makeSalesforceId('00', 1)).toThrow(RangeError);
    expect(() => makeSalesforceId('0-1', 1)).toThrow(RangeError);
    expect(() => makeSalesforceId('001', -1)).toThrow(RangeError);
    expect(() => makeSalesforceId('001', 1.5)).toThrow(RangeError);
    expect(() => toId18('nope')).toThrow(RangeError);
  });
});

describe('normalizeFields (request level)', () => {
  it('matches names case-insensitively and returns them in the describe spelling, without attributes', () => {
    expect(normalizeFields(persona, { attributes: { type: 'SocialPersona' }, name: '@ada', PROVIDER: 'Twitter', parentid: CONTACT_ID })).toEqual(validPersona);
  });

  it('refuses an unknown field for the whole request: 400 INVALID_FIELD', () => {
    const error = requestError(() => normalizeFields(post, { Name: 'x', Foo: 1 }));
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toBe("No such column 'Foo' on sobject of type SocialPost");
    expect(error.toBody()).toEqual([{ message: "No such column 'Foo' on sobject of type SocialPost", errorCode: 'INVALID_FIELD' }]);
  });

  it('keeps a parent given by relationship name and external id, under the relationship spelling', () => {
    expect(normalizeFields(post, { persona: { Key__c: 'tw:42' } })).toEqual({ Persona: { Key__c: 'tw:42' } });
  });

  it.each([
    ['a word for a checkbox', persona, { IsVerified: 'yes' }, 'Cannot deserialize instance of boolean from VALUE_STRING value yes or request may be missing a required field'],
    ['a number for a checkbox', persona, { IsVerified: 1 }, 'Cannot deserialize instance of boolean from VALUE_NUMBER_INT value 1 or request may be missing a required field'],
    ['a word for an int', persona, { Followers: 'many' }, 'Cannot deserialize instance of int from VALUE_STRING value many or request may be missing a required field'],
    ['a fraction for an int', persona, { Followers: 1.5 }, 'Cannot deserialize instance of int from VALUE_NUMBER_FLOAT value 1.5 or request may be missing a required field'],
    ['a word for a double', post, { AnalyzerScore: 'high' }, 'Cannot deserialize instance of double from VALUE_STRING value high or request may be missing a required field'],
    ['an impossible datetime', post, { Posted: '2024-13-01T10:00:00Z' }, 'Cannot deserialize instance of datetime from VALUE_STRING value 2024-13-01T10:00:00Z or request may be missing a required field'],
    ['a word for a datetime', post, { Posted: 'yesterday' }, 'Cannot deserialize instance of datetime from VALUE_STRING value yesterday or request may be missing a required field'],
    ['an impossible date', contact, { Birthdate: '2023-02-30' }, 'Cannot deserialize instance of date from VALUE_STRING value 2023-02-30 or request may be missing a required field'],
    ['an object for a string', post, { Name: { text: 'x' } }, 'Cannot deserialize instance of string from START_OBJECT value { or request may be missing a required field'],
    ['an array for a string', post, { Name: ['x'] }, 'Cannot deserialize instance of string from START_ARRAY value [ or request may be missing a required field'],
  ])('refuses %s for the whole request: 400 JSON_PARSER_ERROR', (_what, d, fields, message) => {
    const error = requestError(() => normalizeFields(d, fields));
    expect([error.status, error.errorCode, error.message]).toEqual([400, 'JSON_PARSER_ERROR', message]);
  });

  it('coerces the way Salesforce binds JSON: numeric text, true/false text, numbers as text, empty text as null', () => {
    expect(normalizeFields(persona, { Followers: '12', IsVerified: 'TRUE', IsDefault: null, Name: 42, RealName: '' })).toEqual({
      Followers: 12, IsVerified: true, IsDefault: false, Name: '42', RealName: null,
    });
    expect(normalizeFields(post, { AnalyzerScore: '0.75' })).toEqual({ AnalyzerScore: 0.75 });
  });

  it('stores datetimes in UTC as Salesforce writes them, and ids in 18 characters', () => {
    expect(normalizeFields(post, { Posted: '2024-05-01T12:30:00+02:00' })).toEqual({ Posted: '2024-05-01T10:30:00.000+0000' });
    expect(normalizeFields(post, { Posted: '2024-05-01T10:00:00.5Z' })).toEqual({ Posted: '2024-05-01T10:00:00.500+0000' });
    expect(normalizeFields(post, { Posted: '2024-05-01T10:00:00.000+0000' })).toEqual({ Posted: '2024-05-01T10:00:00.000+0000' });
    expect(normalizeFields(post, { Posted: '2024-05-01' })).toEqual({ Posted: '2024-05-01T00:00:00.000+0000' });
    expect(normalizeFields(post, { PersonaId: PERSONA_ID.slice(0, 15) })).toEqual({ PersonaId: PERSONA_ID });
  });

  it('is idempotent', () => {
    const once = normalizeFields(post, { name: 'x', posted: '2024-05-01T12:30:00+02:00', isoutbound: 'false', whoid: CONTACT_ID.slice(0, 15) });
    expect(normalizeFields(post, once)).toEqual(once);
  });
});

describe('validateRecord', () => {
  it('accepts valid records', () => {
    expect(validateRecord(persona, validPersona, 'create', context)).toEqual([]);
    expect(validateRecord(post, { ...validPost, PersonaId: PERSONA_ID, WhoId: CONTACT_ID, ParentId: CASE_ID, Sentiment: 'Neutral' }, 'create', context)).toEqual([]);
    expect(validateRecord(post, { Content: 'edited' }, 'update', context)).toEqual([]);
  });

  it('throws request-level errors instead of returning them', () => {
    expect(requestError(() => validateRecord(post, { ...validPost, Foo: 1 }, 'create', context)).errorCode).toBe('INVALID_FIELD');
    expect(requestError(() => validateRecord(post, { ...validPost, IsOutbound: 'nope' }, 'update', context)).errorCode).toBe('JSON_PARSER_ERROR');
  });

  it('REQUIRED_FIELD_MISSING on create names every missing field, absent or null', () => {
    expect(validateRecord(persona, { Name: null }, 'create', context)).toEqual([
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name, ParentId, Provider]', fields: ['Name', 'ParentId', 'Provider'] },
    ]);
    expect(validateRecord(post, { Name: 'x' }, 'create', context)).toEqual([
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Posted]', fields: ['Posted'] },
    ]);
    expect(validateRecord(get('Lead'), {}, 'create', context)).toEqual([
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName, Company]', fields: ['LastName', 'Company'] },
    ]);
  });

  it('an empty string is no value for a required field', () => {
    expect(validateRecord(get('Account'), { Name: '' }, 'create', context)).toEqual([
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] },
    ]);
  });

  it('a parent given by relationship and external id counts as set', () => {
    expect(validateRecord(persona, { Name: '@ada', Provider: 'Twitter', Parent: { attributes: { type: 'Contact' }, Key__c: 'c-1' } }, 'create', context)).toEqual([]);
  });

  it('on update, only a required field set to null is missing', () => {
    expect(validateRecord(persona, { RealName: 'Ada' }, 'update', context)).toEqual([]);
    expect(validateRecord(persona, { Name: null, Provider: '' }, 'update', context)).toEqual([
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name, Provider]', fields: ['Name', 'Provider'] },
    ]);
  });

  it('INVALID_FIELD_FOR_INSERT_UPDATE lists the fields the write may not set', () => {
    const message = (names: string) =>
      `Unable to create/update fields: ${names}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`;
    expect(validateRecord(persona, { ...validPersona, AvatarUrl: 'https://x/a.png' }, 'create', context)).toEqual([
      { statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: message('AvatarUrl'), fields: ['AvatarUrl'] },
    ]);
    expect(validateRecord(persona, { avatarurl: 'x', CreatedDate: '2024-01-01T00:00:00Z' }, 'update', context)).toEqual([
      { statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: message('AvatarUrl, CreatedDate'), fields: ['AvatarUrl', 'CreatedDate'] },
    ]);
    // AssignedTo may be set on create but not changed (object reference: Create, no Update).
    expect(validateRecord(post, { ...validPost, AssignedTo: 'agent' }, 'create', context)).toEqual([]);
    expect(validateRecord(post, { AssignedTo: 'agent' }, 'update', context)).toEqual([
      { statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: message('AssignedTo'), fields: ['AssignedTo'] },
    ]);
  });

  it('an insert may not name the Id; an update may', () => {
    expect(validateRecord(persona, { ...validPersona, Id: PERSONA_ID }, 'create', context)).toEqual([
      { statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: 'cannot specify Id in an insert call', fields: ['Id'] },
    ]);
    expect(validateRecord(persona, { Id: PERSONA_ID, RealName: 'Ada' }, 'update', context)).toEqual([]);
  });

  it('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST for a value outside a restricted picklist (case-sensitive)', () => {
    expect(validateRecord(persona, { ...validPersona, Provider: 'Foo' }, 'create', context)).toEqual([
      { statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Social Network: bad value for restricted picklist field: Foo', fields: ['Provider'] },
    ]);
    expect(validateRecord(post, { AttachmentType: 'image' }, 'update', context)).toEqual([
      { statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Attachment Type: bad value for restricted picklist field: image', fields: ['AttachmentType'] },
    ]);
    expect(validateRecord(post, { AttachmentType: 'IMAGE' }, 'update', context)).toEqual([]);
  });

  it('an inactive value is refused by a restricted picklist', () => {
    const map = buildDescribes({
      fieldOverrides: { SocialPost: { AttachmentType: { picklistValues: [{ value: 'IMAGE', label: 'Image', active: false, defaultValue: false, validFor: null }] } } },
    });
    expect(validateRecord(get('SocialPost', map), { AttachmentType: 'IMAGE' }, 'update', context)[0]?.statusCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  });

  it('unrestricted picklists accept any value, as Salesforce does', () => {
    expect(validateRecord(post, { Sentiment: 'Furious', MessageType: 'Story' }, 'update', context)).toEqual([]);
    expect(validateRecord(get('Case'), { Origin: 'Social', Status: 'Whatever' }, 'create', context)).toEqual([]);
  });

  it('STRING_TOO_LONG past the field length, named by label', () => {
    const name = 'x'.repeat(256);
    expect(validateRecord(persona, { ...validPersona, Name: name }, 'create', context)).toEqual([
      { statusCode: 'STRING_TOO_LONG', message: `Social Handle: data value too large: ${name} (max length=255)`, fields: ['Name'] },
    ]);
    expect(validateRecord(persona, { ...validPersona, Name: 'x'.repeat(255) }, 'create', context)).toEqual([]);
    expect(validateRecord(post, { Content: 'y'.repeat(32000) }, 'update', context)).toEqual([]);
    expect(validateRecord(post, { Content: 'y'.repeat(32001) }, 'update', context).map((e) => [e.statusCode, e.fields])).toEqual([['STRING_TOO_LONG', ['Content']]]);
    expect(validateRecord(persona, { AvatarUrl: 'z' }, 'update', context)[0]?.statusCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('checks lengths set by an override (custom short field)', () => {
    const map = buildDescribes({ customFields: { SocialPost: [{ name: 'Parley_Key__c', type: 'string', length: 10 }] } });
    expect(validateRecord(get('SocialPost', map), { Parley_Key__c: 'tw:12345678' }, 'update', context)).toEqual([
      { statusCode: 'STRING_TOO_LONG', message: 'Parley Key: data value too large: tw:12345678 (max length=10)', fields: ['Parley_Key__c'] },
    ]);
  });

  it('INVALID_EMAIL_ADDRESS for a malformed e-mail', () => {
    expect(validateRecord(contact, { LastName: 'Lovelace', Email: 'ada.example.com' }, 'create', context)).toEqual([
      { statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: ada.example.com', fields: ['Email'] },
    ]);
    expect(validateRecord(contact, { LastName: 'Lovelace', Email: 'ada+crm@example.co.uk' }, 'create', context)).toEqual([]);
    expect(validateRecord(get('Case'), { SuppliedEmail: 'a@b' }, 'create', context)).toEqual([
      { statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email Address: invalid email address: a@b', fields: ['SuppliedEmail'] },
    ]);
  });

  it('MALFORMED_ID for a reference that is not an id', () => {
    expect(validateRecord(persona, { ...validPersona, ParentId: 'abc' }, 'create', context)).toEqual([
      { statusCode: 'MALFORMED_ID', message: 'Parent ID: id value of incorrect type: abc', fields: ['ParentId'] },
    ]);
    const badSuffix = CONTACT_ID.slice(0, 15) + 'ZZZ';
    expect(validateRecord(persona, { ...validPersona, ParentId: badSuffix }, 'create', context)[0]?.statusCode).toBe('MALFORMED_ID');
  });

  it('INVALID_CROSS_REFERENCE_KEY for a well-formed id of no record', () => {
    expect(validateRecord(persona, { ...validPersona, ParentId: makeSalesforceId('003', 999) }, 'create', context)).toEqual([
      { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] },
    ]);
  });

  it('FIELD_INTEGRITY_EXCEPTION for a record of an object the field does not point to', () => {
    expect(validateRecord(persona, { ...validPersona, ParentId: CASE_ID }, 'create', context)).toEqual([
      { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Parent ID: id value of incorrect type: ${CASE_ID}`, fields: ['ParentId'] },
    ]);
    expect(validateRecord(post, { WhoId: PERSONA_ID }, 'update', context)[0]?.statusCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(validateRecord(persona, { ...validPersona, ParentId: ACCOUNT_ID }, 'create', context)).toEqual([]);
  });

  it('looks references up by their 18-character id, also when given 15 characters', () => {
    asked.length = 0;
    expect(validateRecord(persona, { ...validPersona, ParentId: CONTACT_ID.slice(0, 15) }, 'create', context)).toEqual([]);
    expect(asked).toEqual([CONTACT_ID]);
  });

  it('returns all errors of a record at once', () => {
    const errors = validateRecord(persona, { Name: 'n'.repeat(300), Provider: 'Foo', AvatarUrl: 'x', ParentId: 'bad' }, 'create', context);
    expect(errors.map((e) => e.statusCode).sort()).toEqual(
      ['INVALID_FIELD_FOR_INSERT_UPDATE', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'MALFORMED_ID', 'STRING_TOO_LONG'].sort(),
    );
    const missing = validateRecord(post, { Name: 'x'.repeat(256) }, 'create', context);
    expect(missing.map((e) => e.statusCode)).toEqual(['REQUIRED_FIELD_MISSING', 'STRING_TOO_LONG']);
  });
});

describe('applyCreateDefaults', () => {
  it('fills checkboxes with false and picklists with their default value', () => {
    const values = applyCreateDefaults(get('Case'), { subject: 'Help' });
    expect(values).toMatchObject({ Subject: 'Help', Status: 'New', Priority: 'Medium', IsEscalated: false, IsClosed: false, IsDeleted: false });
    expect(values).not.toHaveProperty('Origin');
    expect(values).not.toHaveProperty('OwnerId');
    expect(values).not.toHaveProperty('Id');
    expect(values).not.toHaveProperty('CreatedDate');
  });

  it('keeps the values given and coerces them', () => {
    expect(applyCreateDefaults(get('Case'), { Status: 'Working', IsEscalated: 'true' })).toMatchObject({ Status: 'Working', IsEscalated: true, Priority: 'Medium' });
    expect(applyCreateDefaults(get('Lead'), { LastName: 'L', Company: 'C' })).toMatchObject({ Status: 'Open - Not Contacted' });
  });

  it('takes the picklist value marked default even when the field has no defaultValue', () => {
    const map = buildDescribes({
      fieldOverrides: {
        SocialPost: {
          Status: { defaultValue: null, picklistValues: [
            { value: 'SENT', label: 'Sent', active: true, defaultValue: false, validFor: null },
            { value: 'PENDING', label: 'Sending', active: true, defaultValue: true, validFor: null },
          ] },
        },
      },
    });
    expect(applyCreateDefaults(get('SocialPost', map), validPost)).toMatchObject({ Status: 'PENDING' });
    expect(applyCreateDefaults(post, validPost)).not.toHaveProperty('Status');
  });

  it('defaults every checkbox of a social post to false', () => {
    expect(applyCreateDefaults(post, validPost)).toEqual({ ...validPost, Posted: '2024-05-01T10:00:00.000+0000', IsDeleted: false, IsOutbound: false });
    expect(applyCreateDefaults(persona, validPersona)).toMatchObject({ IsDefault: false, IsBlacklisted: false, IsFollowingUs: false, AreWeFollowing: false, IsVerified: false });
  });
});
