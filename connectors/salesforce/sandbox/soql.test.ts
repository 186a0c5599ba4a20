import jsforce from 'jsforce';
import { createSOQL } from 'jsforce/lib/soql-builder.js';
import { describe, expect, it } from 'vitest';
import { runSoql, SoqlError, type SoqlContext } from './soql.ts';
import type { FieldDescribe, SandboxRecord, SObjectDescribe } from './types.ts';

// A tiny org: Accounts owned by Users, Contacts under Accounts with a polymorphic Owner (User or
// Group, Group not described) and a Campaign lookup to an object the org does not describe.

const field = (name: string, type: string, extra: Partial<FieldDescribe> = {}): FieldDescribe => ({
  name, label: name, type, length: 0, nillable: true, createable: true, updateable: true, defaultedOnCreate: false,
  externalId: false, idLookup: type === 'id', unique: false, custom: name.endsWith('__c'), calculated: false, referenceTo: [],
  relationshipName: null, polymorphicForeignKey: false, picklistValues: [], restrictedPicklist: false, defaultValue: null,
  precision: 0, scale: 0, digits: 0, filterable: true, sortable: true, ...extra,
});
const reference = (name: string, relationshipName: string, referenceTo: string[]): FieldDescribe =>
  field(name, 'reference', { relationshipName, referenceTo, polymorphicForeignKey: referenceTo.length > 1 });
const object = (name: string, keyPrefix: string, fields: FieldDescribe[]): SObjectDescribe => ({
  name, label: name, labelPlural: `${name}s`, keyPrefix, createable: true, updateable: true, deletable: true, queryable: true,
  custom: false, fields: [field('Id', 'id'), ...fields], childRelationships: [],
});

const DESCRIBES = [
  object('Account', '001', [
    field('Name', 'string'), field('NumberOfEmployees', 'int'), reference('OwnerId', 'Owner', ['User']),
    field('Description', 'textarea', { filterable: false, sortable: false }),
  ]),
  object('Contact', '003', [
    field('FirstName', 'string'), field('LastName', 'string'), field('Email', 'email'), field('Title', 'string'),
    field('Birthdate', 'date'), field('CreatedDate', 'datetime'), field('HasOptedOutOfEmail', 'boolean'),
    field('Score__c', 'double'), field('Interests__c', 'multipicklist'),
    reference('AccountId', 'Account', ['Account']), reference('OwnerId', 'Owner', ['User', 'Group']),
    reference('ReportsToId', 'ReportsTo', ['Contact']), reference('CampaignId', 'Campaign', ['Campaign']),
  ]),
  object('User', '005', [field('Name', 'string'), field('Email', 'email')]),
  { ...object('Secret', '0XX', []), queryable: false },
];

const U1 = '005000000000001AAA';
const U2 = '005000000000002AAA';
const G1 = '00G000000000001AAA';
const A1 = '001000000000001AAA';
const A2 = '001000000000002AAA';
const C1 = '003000000000001AAA';
const C2 = '003000000000002AAA';
const C3 = '003000000000003AAA';
const C4 = '003000000000004AAA';
const C5 = '003000000000005AAA';
const CAMPAIGN = '701000000000001AAA';

const RECORDS: Record<string, SandboxRecord[]> = {
  User: [{ Id: U1, Name: 'Ada Admin', Email: 'ada@corp.example' }, { Id: U2, Name: 'Bob Boss', Email: null }],
  Group: [{ Id: G1, Name: 'Support Queue' }],
  Campaign: [{ Id: CAMPAIGN, Name: 'Spring Launch' }],
  Account: [
    { Id: A1, Name: 'Acme', NumberOfEmployees: 50, OwnerId: U1, Description: 'long text' },
    { Id: A2, Name: 'Globex', NumberOfEmployees: null, OwnerId: U2 },
  ],
  Contact: [
    { Id: C1, FirstName: 'Ann', LastName: 'Archer', Email: 'ann@acme.example', Title: '100% sure', Birthdate: '1990-01-15',
      CreatedDate: '2024-05-01T10:00:00.000+0000', HasOptedOutOfEmail: false, Score__c: 10, Interests__c: 'Golf;Tennis',
      AccountId: A1, OwnerId: U1, ReportsToId: null, CampaignId: CAMPAIGN },
    { Id: C2, FirstName: 'Bob', LastName: 'Baker', Email: 'BOB@globex.example', Title: 'half_way', Birthdate: '1985-06-30',
      CreatedDate: '2024-05-02T08:30:00.000+0000', HasOptedOutOfEmail: true, Score__c: 20.5, Interests__c: 'Chess',
      AccountId: A2, OwnerId: U2, ReportsToId: C1, CampaignId: null },
    { Id: C3, FirstName: 'Cy', LastName: 'Carter', Email: null, Title: 'C:\\temp', Birthdate: null,
      CreatedDate: '2024-04-30T23:59:59.000+0000', HasOptedOutOfEmail: false, Score__c: null, Interests__c: null,
      AccountId: null, OwnerId: U1, ReportsToId: C2, CampaignId: null },
    // No FirstName key at all: absent reads as null.
    { Id: C4, LastName: "O'Brien", Email: 'ob@acme.example', Title: '', Birthdate: '1990-01-15',
      CreatedDate: '2024-05-01T09:59:59.000+0000', HasOptedOutOfEmail: false, Score__c: 5, Interests__c: 'Tennis;Chess',
      AccountId: A1, OwnerId: G1, ReportsToId: C1, CampaignId: null },
  ],
};
const DELETED: Record<string, SandboxRecord[]> = {
  Contact: [{ Id: C5, FirstName: 'Dee', LastName: 'Dorsey', Email: 'dee@acme.example', AccountId: A1, OwnerId: U1 }],
};

const context: SoqlContext = {
  describe: (name) => DESCRIBES.find((d) => d.name.toLowerCase() === name.toLowerCase()),
  records: (name) => RECORDS[name] ?? [],
  deletedRecords: (name) => DELETED[name] ?? [],
  recordById: (id) => {
    for (const [objectName, records] of Object.entries(RECORDS)) {
      const record = records.find((r) => r.Id === id);
      if (record) return { object: objectName, record };
    }
    return undefined;
  },
};

const run = (soql: string, includeDeleted = false) => runSoql(soql, context, { apiVersion: '62.0', includeDeleted });
/** LastName of each Contact row the WHERE clause (and optional tail) selects, in order. */
const contacts = (where: string, tail = '') => run(`SELECT LastName FROM Contact WHERE ${where} ${tail}`).records.map((r) => r.LastName);
const url = (type: string, id: string) => `/services/data/v62.0/sobjects/${type}/${id}`;

function refusal(soql: string): SoqlError {
  try {
    run(soql);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`expected a SoqlError for: ${soql}`);
}

describe('runSoql: rows', () => {
  it('answers plain fields in select order, spelled as described, with attributes and nulls for unset fields', () => {
    const result = run('select lastname, ID, firstname, email FROM contact WHERE Id = \'003000000000004AAA\'');
    expect(result).toEqual({
      isCount: false,
      totalSize: 1,
      records: [{ attributes: { type: 'Contact', url: url('Contact', C4) }, LastName: "O'Brien", Id: C4, FirstName: null, Email: 'ob@acme.example' }],
    });
    expect(Object.keys(result.records[0]!)).toEqual(['attributes', 'LastName', 'Id', 'FirstName', 'Email']);
  });

  it('returns every record in store order without WHERE, and deleted ones only for queryAll', () => {
    expect(run('SELECT Id FROM Contact').records.map((r) => r.Id)).toEqual([C1, C2, C3, C4]);
    expect(run('SELECT Id FROM Contact', true).records.map((r) => r.Id)).toEqual([C1, C2, C3, C4, C5]);
  });

  it('tolerates a v-prefixed api version in urls', () => {
    const [row] = runSoql('SELECT Id FROM User LIMIT 1', context, { apiVersion: 'v61.0' }).records;
    expect(row!.attributes).toEqual({ type: 'User', url: `/services/data/v61.0/sobjects/User/${U1}` });
  });

  it('nests parent fields one and two levels deep, merging fields of the same parent', () => {
    const { records } = run('SELECT Id, account.name, Account.Owner.Name, Account.NumberOfEmployees, Owner.Email FROM Contact WHERE LastName IN (\'Archer\', \'Carter\')');
    expect(records).toEqual([
      {
        attributes: { type: 'Contact', url: url('Contact', C1) },
        Id: C1,
        Account: {
          attributes: { type: 'Account', url: url('Account', A1) },
          Name: 'Acme',
          Owner: { attributes: { type: 'User', url: url('User', U1) }, Name: 'Ada Admin' },
          NumberOfEmployees: 50,
        },
        Owner: { attributes: { type: 'User', url: url('User', U1) }, Email: 'ada@corp.example' },
      },
      { attributes: { type: 'Contact', url: url('Contact', C3) }, Id: C3, Account: null, Owner: { attributes: { type: 'User', url: url('User', U1) }, Email: 'ada@corp.example' } },
    ]);
  });

  it('resolves a polymorphic parent to the record\'s actual object', () => {
    const { records } = run('SELECT Owner.Name FROM Contact WHERE LastName = \'O\\\'Brien\'');
    expect(records).toEqual([{ attributes: { type: 'Contact', url: url('Contact', C4) }, Owner: { attributes: { type: 'Group', url: url('Group', G1) }, Name: 'Support Queue' } }]);
  });

  it('takes fields of an undescribed parent object as written', () => {
    expect(run('SELECT Campaign.Name FROM Contact WHERE Campaign.Name != null').records).toEqual([
      { attributes: { type: 'Contact', url: url('Contact', C1) }, Campaign: { attributes: { type: 'Campaign', url: url('Campaign', CAMPAIGN) }, Name: 'Spring Launch' } },
    ]);
  });

  it('filters and sorts on parent fields', () => {
    expect(contacts("Account.Name = 'acme'")).toEqual(['Archer', "O'Brien"]);
    expect(contacts('Account.Owner.Name LIKE \'bob%\'')).toEqual(['Baker']);
    expect(contacts('ReportsTo.ReportsTo.LastName = \'Archer\'')).toEqual(['Carter']);
    expect(contacts('Account.Name = null')).toEqual(['Carter']);
    expect(run('SELECT LastName FROM Contact ORDER BY ReportsTo.LastName DESC, LastName').records.map((r) => r.LastName))
      .toEqual(['Carter', 'Baker', "O'Brien", 'Archer']);
  });
});

describe('runSoql: WHERE', () => {
  it('compares with = != <> < > <= >= on text, numbers, booleans and ids', () => {
    expect(contacts("LastName = 'baker'")).toEqual(['Baker']); // text = ignores case, as in Salesforce
    expect(contacts("Email = 'bob@GLOBEX.example'")).toEqual(['Baker']);
    expect(contacts("LastName != 'Baker'")).toEqual(['Archer', 'Carter', "O'Brien"]);
    expect(contacts("LastName <> 'Baker'")).toEqual(['Archer', 'Carter', "O'Brien"]);
    expect(contacts('Score__c < 10')).toEqual(["O'Brien"]);
    expect(contacts('Score__c <= 10')).toEqual(['Archer', "O'Brien"]);
    expect(contacts('Score__c > 10')).toEqual(['Baker']);
    expect(contacts('Score__c >= 10.0')).toEqual(['Archer', 'Baker']);
    expect(contacts('Score__c = 20.5')).toEqual(['Baker']);
    expect(contacts('Score__c > -1 AND Score__c < +6')).toEqual(["O'Brien"]);
    expect(contacts("LastName < 'b'")).toEqual(['Archer']);
    expect(contacts('HasOptedOutOfEmail = TRUE')).toEqual(['Baker']);
    expect(contacts('HasOptedOutOfEmail = false')).toEqual(['Archer', 'Carter', "O'Brien"]);
    expect(run("SELECT HasOptedOutOfEmail FROM Contact WHERE HasOptedOutOfEmail = false AND Email = 'dee@acme.example'", true).records)
      .toEqual([{ attributes: { type: 'Contact', url: url('Contact', C5) }, HasOptedOutOfEmail: false }]); // unset checkbox reads false
    // An 18-character id matches its 15-character form.
    expect(contacts("Id = '003000000000002'")).toEqual(['Baker']);
    expect(contacts(`AccountId = '${A1}'`)).toEqual(['Archer', "O'Brien"]);
  });

  it('treats null, absent and empty values as null; a null field fails = < LIKE IN and passes != NOT IN', () => {
    expect(contacts('Email = null')).toEqual(['Carter']);
    expect(contacts('Email != null')).toEqual(['Archer', 'Baker', "O'Brien"]);
    expect(contacts('FirstName = NULL')).toEqual(["O'Brien"]);
    expect(contacts('Title = null')).toEqual(["O'Brien"]);
    expect(contacts('Score__c < 100')).toEqual(['Archer', 'Baker', "O'Brien"]);
    expect(contacts("Email != 'ann@acme.example'")).toEqual(['Baker', 'Carter', "O'Brien"]);
    expect(contacts("Email NOT IN ('ann@acme.example')")).toEqual(['Baker', 'Carter', "O'Brien"]);
    expect(contacts("Email IN ('ann@acme.example', null)")).toEqual(['Archer', 'Carter']);
    // A null is not the text 'null' nor the number 0.
    expect(contacts("Email = 'null'")).toEqual([]);
    expect(contacts('Score__c = 0')).toEqual([]);
  });

  it('matches IN and NOT IN lists case-insensitively', () => {
    expect(contacts("LastName IN ('ARCHER', 'carter', 'nobody')")).toEqual(['Archer', 'Carter']);
    expect(contacts("LastName NOT IN ('archer', 'carter')")).toEqual(['Baker', "O'Brien"]);
    expect(contacts('Score__c IN (5, 20.5)')).toEqual(['Baker', "O'Brien"]);
  });

  it('matches LIKE with % and _, case-insensitively, and escaped wildcards literally', () => {
    expect(contacts("LastName LIKE 'b%'")).toEqual(['Baker']);
    expect(contacts("LastName LIKE '%ER'")).toEqual(['Archer', 'Baker', 'Carter']);
    expect(contacts("LastName LIKE '_a%'")).toEqual(['Baker', 'Carter']);
  });

  it('reads string escapes and LIKE wildcard escapes', () => {
    expect(contacts("Title LIKE '100\\% %'")).toEqual(['Archer']);
    expect(contacts("Title LIKE '%\\%'")).toEqual([]);
    expect(contacts("Title LIKE 'half\\_way'")).toEqual(['Baker']);
    expect(contacts("Title LIKE 'half_way'")).toEqual(['Baker']);
    expect(contacts("Title = 'C:\\\\temp'")).toEqual(['Carter']);
    expect(contacts("LastName = 'O\\'Brien'")).toEqual(["O'Brien"]);
    expect(contacts("LastName LIKE 'o\\'%'")).toEqual(["O'Brien"]);
  });

  it('tests multi-select picklists with INCLUDES and EXCLUDES', () => {
    expect(contacts("Interests__c INCLUDES ('tennis')")).toEqual(['Archer', "O'Brien"]);
    expect(contacts("Interests__c INCLUDES ('Chess;Tennis', 'golf')")).toEqual(['Archer', "O'Brien"]);
    expect(contacts("Interests__c EXCLUDES ('Chess')")).toEqual(['Archer', 'Carter']);
  });

  it('compares dates and datetimes as instants, whatever the zone notation', () => {
    expect(contacts('CreatedDate = 2024-05-01T10:00:00Z')).toEqual(['Archer']);
    expect(contacts('CreatedDate = 2024-05-01T10:00:00.000+0000')).toEqual(['Archer']);
    expect(contacts('CreatedDate = 2024-05-01T12:00:00+02:00')).toEqual(['Archer']);
    expect(contacts('CreatedDate >= 2024-05-01T10:00:00Z')).toEqual(['Archer', 'Baker']);
    expect(contacts('CreatedDate < 2024-05-01T00:00:00Z')).toEqual(['Carter']);
    expect(contacts('CreatedDate < 2024-05-01T09:59:59.500Z')).toEqual(['Carter', "O'Brien"]);
    expect(contacts('CreatedDate > 2024-05-01T05:00:00-05:00 AND CreatedDate < 2024-05-02T00:00:00Z')).toEqual([]);
    expect(contacts('Birthdate = 1990-01-15')).toEqual(['Archer', "O'Brien"]);
    expect(contacts('Birthdate < 1990-01-01')).toEqual(['Baker']);
  });

  it('needs parentheses to mix AND and OR, as Salesforce does', () => {
    expect(contacts("LastName = 'Archer' OR LastName = 'Baker' OR Score__c = 5")).toEqual(['Archer', 'Baker', "O'Brien"]);
    expect(contacts("Score__c > 1 AND Email != null AND HasOptedOutOfEmail = false")).toEqual(['Archer', "O'Brien"]);
    expect(contacts("(LastName = 'Archer' OR LastName = 'Carter') AND Email != null")).toEqual(['Archer']);
    expect(contacts("LastName = 'Archer' OR (LastName = 'Carter' AND Email != null)")).toEqual(['Archer']);
    expect(contacts("((LastName = 'Carter'))")).toEqual(['Carter']);
    const mixed = refusal("SELECT Id FROM Contact WHERE LastName = 'Archer' AND Email != null OR Score__c = 5");
    expect([mixed.errorCode, mixed.message]).toEqual(['MALFORMED_QUERY', "unexpected token: 'OR'"]);
  });

  it('negates a whole condition with NOT, but not one term of an AND', () => {
    expect(contacts("NOT LastName = 'Archer'")).toEqual(['Baker', 'Carter', "O'Brien"]);
    expect(contacts("NOT (LastName = 'Archer' OR Email = null)")).toEqual(['Baker', "O'Brien"]);
    expect(contacts("Score__c > 1 AND (NOT LastName LIKE 'A%')")).toEqual(['Baker', "O'Brien"]);
    expect(refusal("SELECT Id FROM Contact WHERE Score__c > 1 AND NOT LastName = 'x'").message).toBe("unexpected token: 'NOT'");
    expect(refusal("SELECT Id FROM Contact WHERE NOT LastName = 'x' AND Score__c > 1").message).toBe("unexpected token: 'AND'");
  });
});

describe('runSoql: ORDER BY, LIMIT, OFFSET, count()', () => {
  const order = (clause: string) => run(`SELECT LastName FROM Contact ORDER BY ${clause}`).records.map((r) => r.LastName);

  it('puts nulls first ascending and last descending unless told', () => {
    expect(order('Score__c')).toEqual(['Carter', "O'Brien", 'Archer', 'Baker']);
    expect(order('Score__c ASC')).toEqual(['Carter', "O'Brien", 'Archer', 'Baker']);
    expect(order('Score__c DESC')).toEqual(['Baker', 'Archer', "O'Brien", 'Carter']);
    expect(order('Score__c ASC NULLS LAST')).toEqual(["O'Brien", 'Archer', 'Baker', 'Carter']);
    expect(order('Score__c desc nulls first')).toEqual(['Carter', 'Baker', 'Archer', "O'Brien"]);
  });

  it('sorts text case-insensitively, dates as instants, and by several keys', () => {
    expect(order('Email')).toEqual(['Carter', 'Archer', 'Baker', "O'Brien"]);
    expect(order('CreatedDate DESC')).toEqual(['Baker', 'Archer', "O'Brien", 'Carter']);
    expect(order('Birthdate DESC, LastName DESC')).toEqual(["O'Brien", 'Archer', 'Baker', 'Carter']);
    expect(order('HasOptedOutOfEmail DESC, LastName')).toEqual(['Baker', 'Archer', 'Carter', "O'Brien"]);
  });

  it('applies OFFSET then LIMIT after ordering', () => {
    expect(order('LastName LIMIT 2')).toEqual(['Archer', 'Baker']);
    expect(order('LastName LIMIT 2 OFFSET 1')).toEqual(['Baker', 'Carter']);
    expect(order('LastName OFFSET 3')).toEqual(["O'Brien"]);
    expect(order('LastName LIMIT 0')).toEqual([]);
    expect(run('SELECT LastName FROM Contact LIMIT 1').totalSize).toBe(1);
  });

  it('counts with count(), honouring WHERE, LIMIT and queryAll', () => {
    expect(run('SELECT count() FROM Contact')).toEqual({ isCount: true, totalSize: 4, records: [] });
    expect(run("SELECT COUNT() FROM Contact WHERE Email LIKE '%@acme.example'")).toEqual({ isCount: true, totalSize: 2, records: [] });
    expect(run('SELECT count() FROM Contact LIMIT 3').totalSize).toBe(3);
    expect(run("SELECT count() FROM Contact WHERE Email LIKE '%@acme.example'", true).totalSize).toBe(3);
  });
});

describe('runSoql: errors', () => {
  it('refuses an unknown or unqueryable object with INVALID_TYPE', () => {
    for (const name of ['Foo', 'Secret']) {
      const error = refusal(`SELECT Id FROM ${name}`);
      expect(error).toBeInstanceOf(SoqlError);
      expect(error.errorCode).toBe('INVALID_TYPE');
      expect(error.status).toBe(400);
      expect(error.message).toBe(`sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
  });

  it('refuses unknown fields anywhere with INVALID_FIELD, naming the entity', () => {
    const error = refusal('SELECT Id, Foo FROM Contact');
    expect(error.toBody()).toEqual([{
      errorCode: 'INVALID_FIELD',
      message: "No such column 'Foo' on entity 'Contact'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    }]);
    expect(refusal("SELECT Id FROM Contact WHERE Bar = 'x'").message).toMatch(/^No such column 'Bar' on entity 'Contact'\./);
    expect(refusal('SELECT Id FROM Contact ORDER BY Baz').message).toMatch(/^No such column 'Baz' on entity 'Contact'\./);
    expect(refusal('SELECT Account.Nope FROM Contact').message).toMatch(/^No such column 'Nope' on entity 'Account'\./);
    expect(refusal('SELECT Owner.Nope FROM Contact').message).toMatch(/^No such column 'Nope' on entity 'Name'\./);
    expect(refusal('SELECT Account FROM Contact').message).toMatch(/^No such column 'Account' on entity 'Contact'\./);
    const relationship = refusal('SELECT Boss.Name FROM Contact');
    expect(relationship.errorCode).toBe('INVALID_FIELD');
    expect(relationship.message).toMatch(/^Didn't understand relationship 'Boss' in field path\./);
    expect(refusal('SELECT AccountId.Name FROM Contact').message).toMatch(/^Didn't understand relationship 'AccountId'/);
  });

  it('refuses filter values of the wrong type, and unfilterable or unsortable fields, with INVALID_FIELD', () => {
    const cases: Array<[string, string]> = [
      ['SELECT Id FROM Contact WHERE LastName = 5', "value of filter criterion for field 'LastName' must be of type string and should be enclosed in quotes"],
      ["SELECT Id FROM Contact WHERE Score__c = '5'", "value of filter criterion for field 'Score__c' must be of type double and should not be enclosed in quotes"],
      ["SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'", "value of filter criterion for field 'HasOptedOutOfEmail' must be of type boolean and should not be enclosed in quotes"],
      ['SELECT Id FROM Contact WHERE CreatedDate > 2024-05-01', "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes"],
      ["SELECT Id FROM Contact WHERE Birthdate = '1990-01-15'", "value of filter criterion for field 'Birthdate' must be of type date and should not be enclosed in quotes"],
      ['SELECT Id FROM Contact WHERE AccountId IN (1)', "value of filter criterion for field 'AccountId' must be of type id and should be enclosed in quotes"],
      ["SELECT Id FROM Contact WHERE Score__c LIKE '1%'", "value of filter criterion for field 'Score__c' must be of type double and should not be enclosed in quotes"],
      ["SELECT Id FROM Account WHERE Description = 'x'", "field 'Description' can not be filtered in a query call"],
      ['SELECT Id FROM Account ORDER BY Description', "field 'Description' can not be sorted in a query call"],
    ];
    for (const [soql, message] of cases) expect([soql, refusal(soql).errorCode, refusal(soql).message]).toEqual([soql, 'INVALID_FIELD', message]);
  });

  it('refuses syntax outside the subset with MALFORMED_QUERY naming the unexpected token', () => {
    const cases: Array<[string, string]> = [
      ['SELECT Id FORM Contact', "unexpected token: 'FORM'"],
      ['SELECT Id FROM Contact WHERE', 'unexpected token: <EOF>'],
      ['SELECT FROM Contact', "unexpected token: 'FROM'"],
      ['SELECT Id, FROM Contact', "unexpected token: 'FROM'"],
      ["SELECT Id FROM Contact WHERE LastName == 'x'", "unexpected token: '='"],
      ["SELECT Id FROM Contact WHERE LastName = 'x' LIMIT -1", "unexpected token: '-1'"],
      ['SELECT Id FROM Contact LIMIT 1 OFFSET 1 extra', "unexpected token: 'extra'"],
      ["SELECT Id FROM Contact WHERE (LastName = 'x'", 'unexpected token: <EOF>'],
      ["SELECT Id FROM Contact WHERE LastName = 'x", 'unexpected token: <EOF> (unterminated string literal)'],
      ["SELECT Id FROM Contact WHERE LastName NOT LIKE 'x'", "unexpected token: 'LIKE'"],
      ['SELECT Id FROM Contact WHERE LastName = Name', "unexpected token: 'Name'"],
      ['SELECT Id FROM Contact WHERE CreatedDate > 2024-05-01T10:00:00', "unexpected token: '2024-05-01T10:00:00'"],
      ['SELECT Id FROM Contact WHERE Birthdate = 2024-02-30', "unexpected token: '2024-02-30'"],
      ['SELECT Id FROM Contact WHERE CreatedDate = TODAY', "unexpected token: 'TODAY' (the Salesforce sandbox does not support relative date literals such as TODAY or LAST_N_DAYS:n)"],
      ['SELECT Id FROM Contact WHERE Id = :id', "unexpected token: ':' (the Salesforce sandbox does not support bind variables)"],
      ['SELECT COUNT(Id) FROM Contact', "unexpected token: 'Id' (the Salesforce sandbox does not support aggregate functions such as COUNT(field))"],
      ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', "unexpected token: '(' (the Salesforce sandbox does not support subqueries and functions in the SELECT list)"],
      ['SELECT Id FROM Contact GROUP BY LastName', "unexpected token: 'GROUP' (the Salesforce sandbox does not support GROUP clauses)"],
    ];
    for (const [soql, message] of cases) expect([soql, refusal(soql).errorCode, refusal(soql).message]).toEqual([soql, 'MALFORMED_QUERY', message]);
    // Only SOQL's escapes are allowed; jsforce escapes nothing but quotes, so a Windows path fails as in a real org.
    const escape = refusal("SELECT Id FROM Contact WHERE Title = 'C:\\path'");
    expect([escape.errorCode, escape.message]).toEqual(['MALFORMED_QUERY', "Invalid string literal 'C:\\p…'. Illegal character sequence '\\p' in string literal."]);
    // SQL's doubled quote is not SOQL's: it reads as two strings.
    expect(refusal("SELECT Id FROM Contact WHERE LastName = 'O''Brien'").message).toBe("unexpected token: ''Brien''");
  });
});

describe('runSoql: the SOQL jsforce 3.10.16 writes', () => {
  const conn = new jsforce.Connection({ instanceUrl: 'http://127.0.0.1:9', accessToken: 'token', version: '62.0' });
  const contact = conn.sobject('Contact');
  /** The last names a jsforce-built query selects, with the SOQL it was. */
  const answer = (soql: string) => ({ soql, rows: run(soql).records.map((r) => r.LastName) });

  it('find() with a plain equality, sort and limit/skip', async () => {
    const soql = await contact.find({ Email: 'ann@acme.example' }, ['Id', 'LastName']).sort('-CreatedDate LastName').limit(5).skip(0).toSOQL();
    expect(answer(soql)).toEqual({ soql: "SELECT Id, LastName FROM Contact WHERE Email = 'ann@acme.example' ORDER BY CreatedDate DESC, LastName ASC LIMIT 5", rows: ['Archer'] });
    const paged = await contact.find({}, 'LastName').sort({ LastName: -1 }).limit(2).skip(1).toSOQL();
    expect(answer(paged)).toEqual({ soql: 'SELECT LastName FROM Contact ORDER BY LastName DESC LIMIT 2 OFFSET 1', rows: ['Carter', 'Baker'] });
  });

  it('findOne() adds LIMIT 1', async () => {
    const soql = await contact.findOne({ Email: { $ne: null } }, 'Id, LastName').toSOQL();
    expect(answer(soql)).toEqual({ soql: 'SELECT Id, LastName FROM Contact WHERE Email != null LIMIT 1', rows: ['Archer'] });
  });

  it('count() is SELECT count()', async () => {
    const soql = await contact.count({ AccountId: A1 }).toSOQL();
    expect(soql).toBe(`SELECT count() FROM Contact WHERE AccountId = '${A1}'`);
    expect(run(soql)).toEqual({ isCount: true, totalSize: 2, records: [] });
  });

  it('$or, arrays (IN), $nin, $like, $nlike, null, booleans, numbers and $not', async () => {
    const soql = await contact.find({
      $or: [{ LastName: { $like: 'A%' } }, { Score__c: { $gte: 20 } }, { Email: null }],
      HasOptedOutOfEmail: { $in: [true, false] },
    }, ['LastName']).toSOQL();
    expect(answer(soql)).toEqual({
      soql: "SELECT LastName FROM Contact WHERE (LastName LIKE 'A%' OR Score__c >= 20 OR Email = null) AND HasOptedOutOfEmail IN (true, false)",
      rows: ['Archer', 'Baker', 'Carter'],
    });
    const lists = await contact.find({ LastName: ['Archer', "O'Brien", 'Nobody'], Email: { $nin: ['ob@acme.example'] } }, ['LastName']).toSOQL();
    expect(answer(lists)).toEqual({ soql: "SELECT LastName FROM Contact WHERE LastName IN ('Archer', 'O\\'Brien', 'Nobody') AND Email NOT IN ('ob@acme.example')", rows: ['Archer'] });
    const negations = await contact.find({ Email: { $nlike: '%@acme.example' }, $not: { LastName: 'Carter' } }, ['LastName']).toSOQL();
    expect(answer(negations)).toEqual({ soql: "SELECT LastName FROM Contact WHERE (NOT Email LIKE '%@acme.example') AND (NOT LastName = 'Carter')", rows: ['Baker'] });
    const topNot = await contact.find({ $not: { $or: [{ LastName: 'Carter' }, { Score__c: { $lt: 10 } }] } }, ['LastName']).toSOQL();
    expect(answer(topNot)).toEqual({ soql: "SELECT LastName FROM Contact WHERE NOT (LastName = 'Carter' OR Score__c < 10)", rows: ['Archer', 'Baker'] });
  });

  it('$and inside $or, $exists and $includes, relationship fields', async () => {
    const soql = await contact.find({
      $or: [{ LastName: 'Baker', Score__c: { $gt: 20 } }, { 'Account.Name': 'Acme', Email: { $exists: false } }, { Interests__c: { $includes: ['Golf'] } }],
    }, ['LastName', 'Account.Name']).sort('LastName', 'desc').toSOQL();
    expect(soql).toBe("SELECT LastName, Account.Name FROM Contact WHERE (LastName = 'Baker' AND Score__c > 20) OR (Account.Name = 'Acme' AND Email = null) OR Interests__c INCLUDES ('Golf') ORDER BY LastName DESC");
    expect(run(soql).records).toEqual([
      { attributes: { type: 'Contact', url: url('Contact', C2) }, LastName: 'Baker', Account: { attributes: { type: 'Account', url: url('Account', A2) }, Name: 'Globex' } },
      { attributes: { type: 'Contact', url: url('Contact', C1) }, LastName: 'Archer', Account: { attributes: { type: 'Account', url: url('Account', A1) }, Name: 'Acme' } },
    ]);
  });

  it('dates from SfDate, compared as instants', async () => {
    const since = jsforce.SfDate.toDateTimeLiteral(new Date('2024-05-01T10:00:00Z'));
    const soql = createSOQL({ table: 'Contact', fields: ['LastName'], conditions: { CreatedDate: { $gte: since }, Birthdate: { $lt: jsforce.SfDate.toDateLiteral(new Date(2000, 0, 1)) } }, sort: [['CreatedDate', 'ASC']] });
    expect(answer(soql)).toEqual({ soql: 'SELECT LastName FROM Contact WHERE CreatedDate >= 2024-05-01T10:00:00Z AND Birthdate < 2000-01-01 ORDER BY CreatedDate ASC', rows: ['Archer', 'Baker'] });
  });
});
