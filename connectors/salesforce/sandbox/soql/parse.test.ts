// Parsing and resolving: which SOQL is refused, and with which error, and that the SOQL jsforce writes is read.
import jsforce from 'jsforce';
import { createSOQL } from 'jsforce/lib/soql-builder.js';
import { describe, expect, it } from 'vitest';
import { SoqlError } from '../soql.ts';
import { A1, A2, C1, C2, refusal, run, url } from './test-org.ts';

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
