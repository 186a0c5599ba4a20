// Evaluation: which rows a query answers, in which order and shape (rows, WHERE, ORDER BY, LIMIT, OFFSET, count()).
import { describe, expect, it } from 'vitest';
import { runSoql } from '../soql.ts';
import { A1, C1, C2, C3, C4, C5, CAMPAIGN, G1, U1, context, contacts, refusal, run, url } from './test-org.ts';

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
