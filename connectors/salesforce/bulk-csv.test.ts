import { describe, expect, it } from 'vitest';
import type { WriteBatch } from '../../src/connectors/index.ts';
import { batchCsv, csvText, failureOf, matchRows, resultRows } from './bulk-csv.ts';

describe('Salesforce bulk CSV', () => {
  it('writes columns in order of first appearance, null as #N/A, a missing field as an empty cell, a parent by external id as Rel.Key', () => {
    const batch: WriteBatch = {
      object: 'SocialPost', operation: 'upsert', matchKey: 'Key__c', operations: [
        { id: 'a', matchValue: 'k1', fields: { Name: 'One', Content: null, Persona: { Key__c: 'p1' } } },
        { id: 'b', fields: { Key__c: 'k2', Name: 'Two, "quoted"', Count__c: 3, Flag__c: true, Who: { attributes: { type: 'Contact' }, Email: 'x@y.z' } } },
      ],
    };
    const csv = batchCsv(batch);
    expect(csv.columns).toEqual(['Name', 'Content', 'Persona.Key__c', 'Key__c', 'Count__c', 'Flag__c', 'Contact:Who.Email']);
    expect(csv.rows).toEqual([
      ['One', '#N/A', 'p1', 'k1', '', '', ''],
      ['Two, "quoted"', '', '', 'k2', '3', 'true', 'x@y.z'],
    ]);
    expect(resultRows(csvText(csv))).toEqual([
      { Name: 'One', Content: '#N/A', 'Persona.Key__c': 'p1', Key__c: 'k1', Count__c: '', Flag__c: '', 'Contact:Who.Email': '' },
      { Name: 'Two, "quoted"', Content: '', 'Persona.Key__c': '', Key__c: 'k2', Count__c: '3', Flag__c: 'true', 'Contact:Who.Email': 'x@y.z' },
    ]);
  });

  it('writes only Id for deletes, and Id first for updates', () => {
    expect(batchCsv({ object: 'Case', operation: 'delete', operations: [{ id: 'a', recordId: '500SB0000000001', fields: { Subject: 'ignored' } }] }).columns).toEqual(['Id']);
    expect(batchCsv({ object: 'Case', operation: 'update', operations: [{ id: 'a', recordId: '500SB0000000001', fields: { Subject: 's' } }] }).columns).toEqual(['Id', 'Subject']);
  });

  it('matches result rows back by key, whatever their order; identical create rows each get one', () => {
    const create: WriteBatch = { object: 'Lead', operation: 'create', operations: [{ id: 'a', fields: { LastName: 'Same' } }, { id: 'b', fields: { LastName: 'Same' } }, { id: 'c', fields: { LastName: 'Other' } }] };
    const rows = [{ sf__Id: '3', LastName: 'Other' }, { sf__Id: '1', LastName: 'Same' }, { sf__Id: '2', LastName: 'Same' }, { sf__Id: '9', LastName: 'Stranger' }];
    expect(matchRows(create, rows, (r) => r.sf__Id)).toEqual([{ operationId: 'c', value: '3' }, { operationId: 'a', value: '1' }, { operationId: 'b', value: '2' }]);
    const update: WriteBatch = { object: 'Lead', operation: 'update', operations: [{ id: 'u', recordId: '00QSB0000000001', fields: { LastName: 'New' } }] };
    expect(matchRows(update, [{ Id: '00QSB0000000001AAA', LastName: 'New' }], () => true)).toEqual([{ operationId: 'u', value: true }]);
  });

  it('reads sf__Error as the per-record item REST answers', () => {
    expect(failureOf({ sf__Error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --' }))
      .toEqual({ ok: false, error: { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] } });
    expect(failureOf({ sf__Error: 'UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--' }))
      .toEqual({ ok: false, error: { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] } });
    expect(failureOf({ sf__Error: 'something else' })).toEqual({ ok: false, error: { statusCode: 'UNKNOWN', message: 'something else', fields: [] } });
  });
});
