/** The org the SOQL tests query, and helpers to run a query against it (shared by parse.test.ts and evaluate.test.ts). */
import { runSoql, SoqlError, type SoqlContext } from '../soql.ts';
import type { FieldDescribe, SandboxRecord, SObjectDescribe } from '../types.ts';

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

export const U1 = '005000000000001AAA';
export const U2 = '005000000000002AAA';
export const G1 = '00G000000000001AAA';
export const A1 = '001000000000001AAA';
export const A2 = '001000000000002AAA';
export const C1 = '003000000000001AAA';
export const C2 = '003000000000002AAA';
export const C3 = '003000000000003AAA';
export const C4 = '003000000000004AAA';
export const C5 = '003000000000005AAA';
export const CAMPAIGN = '701000000000001AAA';

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

export const context: SoqlContext = {
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

export const run = (soql: string, includeDeleted = false) => runSoql(soql, context, { apiVersion: '62.0', includeDeleted });
/** LastName of each Contact row the WHERE clause (and optional tail) selects, in order. */
export const contacts = (where: string, tail = '') => run(`SELECT LastName FROM Contact WHERE ${where} ${tail}`).records.map((r) => r.LastName);
export const url = (type: string, id: string) => `/services/data/v62.0/sobjects/${type}/${id}`;

export function refusal(soql: string): SoqlError {
  try {
    run(soql);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`expected a SoqlError for: ${soql}`);
}
