import { describe, expect, it } from 'vitest';
import { compileExpression } from './query-expression.ts';
import { compileQbe } from './query-qbe.ts';
import { RESOURCES } from './resource-model.ts';

// The two `q` syntaxes as pure functions (../shared/reference/oracle-cx.md §2); query.test.ts
// covers them over HTTP.

const contacts = RESOURCES.contacts!;
const row = { PartyId: 300000000000007, FirstName: 'Ann', LastName: 'Lee', EmailAddress: "ann.o'lee@example.com" };

describe('query-by-example (framework version 1)', () => {
  it.each([
    ["FirstName = 'Ann'"], ['FirstName=Ann and LastName=Lee'], ["LastName IN ('Lee')"], ['(LastName=Lee)'],
    ["LastName LIKE 'L%'"], ['LastName IS NULL'], ["FirstName=Ann or LastName LIKE 'x'"],
  ])('refuses the expression form %s', (q) => {
    expect(() => compileQbe(q, contacts)).toThrow(/REST-Framework-Version 2 or later/);
  });

  it('takes bare values with apostrophes or words such as "and" as text, and compares integers as numbers', () => {
    expect(compileQbe("EmailAddress=ann.o'lee@example.com", contacts)(row)).toBe(true);
    expect(compileQbe('LastName=Smith and Jones', contacts)({ LastName: 'Smith and Jones' })).toBe(true);
    expect(compileQbe('PartyId>300000000000006;FirstName=A*', contacts)(row)).toBe(true);
    expect(compileQbe('PartyId<300000000000006', contacts)(row)).toBe(false);
  });
});

describe('expressions (framework version 2 and later)', () => {
  it.each([
    ["LastName = 'Lee' and not (FirstName = 'Bob')", true],
    ["LastName NOT IN ('Lee','Li')", false],
    ['PartyId BETWEEN 300000000000000 AND 300000000000009', true],
    ["EmailAddress = 'ann.o''lee@example.com'", true],
    ["FirstName LIKE 'A%' AND EmailAddress IS NOT NULL", true],
    ["FirstName <> 'Ann' OR LastName < 'M'", true],
  ])('evaluates %s', (q, expected) => {
    expect(compileExpression(q, contacts)(row)).toBe(expected);
  });

  it.each([
    ['FirstName=Ann'], ["FirstName='Ann';LastName='Lee'"], ["FirstName = 'Ann"], ["FirstName = 'Ann' and"], ["Nickname = 'x'"], ["FirstName ~ 'x'"],
  ])('refuses %s with a 400', (q) => {
    expect(() => compileExpression(q, contacts)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
