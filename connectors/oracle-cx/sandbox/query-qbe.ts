/**
 * `q` under REST-Framework-Version 1: query-by-example (../shared/reference/oracle-cx.md §2),
 * `A=v;B=w*`: clauses joined by `;` (all must hold), each `Attribute<op>value` with `=`, `<>`, `!=`,
 * `<`, `>`, `<=`, `>=`; `*` in a `=` value is a wildcard. Values are bare (an apostrophe inside one,
 * as in an e-mail address, is text). The marks of the version 2 expression syntax — a value opening
 * with a quote, `and`/`or` joining conditions, `IN (`, `LIKE '`, `IS NULL`, a leading parenthesis —
 * are refused with a 400, as the pod refuses the wrong form for the version.
 */
import { OracleCxError } from './errors.ts';
import type { ResourceSpec } from './resource-model.ts';
import { compareValue, holds, queryAttribute, wildcardRegExp, type Predicate } from './query-values.ts';

const CLAUSE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<>|!=|<=|>=|=|<|>)(.*)$/s;
const OPERATOR = '(?:<>|!=|<=|>=|=|<|>)';
const EXPRESSION_HINT = new RegExp([
  `${OPERATOR}\\s*'`, `\\s(?:and|or)\\s+[A-Za-z_]\\w*\\s*(?:${OPERATOR}|\\s(?:not\\s+)?(?:in|like|is|between)\\b)`,
  '\\s(?:not\\s+)?in\\s*\\(', "\\slike\\s+'", '\\sis\\s+(?:not\\s+)?null\\b', '^\\s*\\(',
].join('|'), 'i');

const mismatch = (q: string) => new OracleCxError(400,
  `The query ${q} is not valid query-by-example syntax (Attribute=value;Attribute=value). Expressions need REST-Framework-Version 2 or later.`,
  { errorCode: 'OAS-BAD-QUERY' });

/**
 * Compiles a QBE `q` against `resource`.
 * @throws OracleCxError 400 for expression syntax, a malformed clause or an unknown attribute
 */
export function compileQbe(q: string, resource: ResourceSpec): Predicate {
  if (EXPRESSION_HINT.test(q)) throw mismatch(q);
  const tests = q.split(';').filter((clause) => clause.trim() !== '').map((clause): Predicate => {
    const match = CLAUSE.exec(clause);
    if (!match) throw mismatch(q);
    const [, name = '', operator = '=', raw = ''] = match;
    const attribute = queryAttribute(resource, name);
    const value = raw.trim();
    if (operator === '=' && value.includes('*')) {
      const pattern = wildcardRegExp(value, '*');
      return (values) => values[name] !== null && values[name] !== undefined && pattern.test(String(values[name]));
    }
    return (values) => holds(operator, compareValue(attribute, values[name], value));
  });
  return (values) => tests.every((test) => test(values));
}
