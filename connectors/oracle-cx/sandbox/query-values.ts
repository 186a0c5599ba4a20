/**
 * What both `q` syntaxes share (../shared/reference/oracle-cx.md §2): a compiled filter is a
 * predicate over a row's values, and comparisons follow the attribute's type (numbers numerically,
 * everything else as text: ISO 8601 date-times sort as text).
 */
import { OracleCxError } from './errors.ts';
import type { AttributeSpec, ResourceSpec } from './resource-model.ts';

/** A compiled `q`: true for the rows it keeps. */
export type Predicate = (values: Readonly<Record<string, unknown>>) => boolean;

/** A literal of a query: text, a number, a boolean. */
export type Literal = string | number | boolean;

/**
 * The attribute `name` of `resource`, for a query.
 * @throws OracleCxError 400 for an attribute the resource does not have
 */
export function queryAttribute(resource: ResourceSpec, name: string): AttributeSpec {
  const attribute = resource.attributes.find((a) => a.name === name);
  if (!attribute) throw new OracleCxError(400, `The query is invalid: ${name} is not an attribute of the resource ${resource.name}.`, { errorCode: 'OAS-BAD-QUERY' });
  return attribute;
}

/** Orders a row's value against a literal by the attribute's type; undefined when the row's value is null. */
export function compareValue(attribute: AttributeSpec, value: unknown, literal: Literal): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (attribute.type === 'integer' || attribute.type === 'number') {
    const a = Number(value);
    const b = Number(literal);
    if (Number.isNaN(b)) throw new OracleCxError(400, `The query is invalid: ${String(literal)} is not a number for ${attribute.name}.`, { errorCode: 'OAS-BAD-QUERY' });
    return a === b ? 0 : a < b ? -1 : 1;
  }
  const a = String(value);
  const b = String(literal);
  return a === b ? 0 : a < b ? -1 : 1;
}

/** The outcome of a comparison operator on an ordering (`<>` and `!=` are "not equal"). */
export function holds(operator: string, order: number | undefined): boolean {
  if (order === undefined) return false;
  switch (operator) {
    case '=': return order === 0;
    case '<>': case '!=': return order !== 0;
    case '<': return order < 0;
    case '>': return order > 0;
    case '<=': return order <= 0;
    case '>=': return order >= 0;
    default: return false;
  }
}

/** A wildcard pattern (`wildcard` stands for any run of characters) as an anchored RegExp. */
export function wildcardRegExp(pattern: string, wildcard: string): RegExp {
  const escaped = pattern.split(wildcard).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}
