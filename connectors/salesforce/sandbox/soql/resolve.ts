/**
 * Query tree → query plan: every object and field name checked against the describes (INVALID_TYPE,
 * INVALID_FIELD), and every filter value against its field's type.
 */
import type { FieldDescribe, SObjectDescribe } from '../types.ts';
import { SoqlError, type SoqlContext } from './api.ts';
import type { Condition, FieldRef, Literal, OrderItem, ParsedQuery } from './parse.ts';

/** A field path checked against the describes. */
export interface ResolvedField {
  /** The reference fields followed, one per relationship hop (`Account.Owner.Name` → AccountId, OwnerId). */
  hops: FieldDescribe[];
  /** The field read at the end, spelled as its describe does (as written when its object is not described). */
  name: string;
  /** Its describe; undefined only behind a relationship to objects the context does not describe. */
  describe: FieldDescribe | undefined;
}

export type ResolvedCondition = Condition<ResolvedField>;

export interface QueryPlan {
  object: SObjectDescribe;
  select: 'count' | ResolvedField[];
  where: ResolvedCondition | undefined;
  orderBy: Array<OrderItem<ResolvedField>>;
  limit: number | undefined;
  offset: number;
}

/**
 * Checks every name against the describes, in the order Salesforce reports them (object, select
 * list, WHERE, ORDER BY).
 * @throws SoqlError INVALID_TYPE, INVALID_FIELD
 */
export function resolveQuery(query: ParsedQuery, context: SoqlContext): QueryPlan {
  const object = context.describe(query.object);
  if (!object || object.queryable === false) {
    throw new SoqlError('INVALID_TYPE', `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  const field = (ref: FieldRef) => resolveField(ref, object, context);
  return {
    object,
    select: query.select === 'count' ? 'count' : query.select.map(field),
    where: query.where && resolveCondition(query.where, field),
    orderBy: query.orderBy.map((item) => ({ ...item, field: sortableField(field(item.field)) })),
    limit: query.limit,
    offset: query.offset,
  };
}

function resolveCondition(condition: Condition, field: (ref: FieldRef) => ResolvedField): ResolvedCondition {
  switch (condition.kind) {
    case 'and':
    case 'or': return { kind: condition.kind, items: condition.items.map((item) => resolveCondition(item, field)) };
    case 'not': return { kind: 'not', item: resolveCondition(condition.item, field) };
    case 'like': {
      const resolved = filterableField(field(condition.field));
      // The pattern is a quoted string, so the field must be one that takes quoted values.
      checkLiteral(resolved, { kind: 'string', value: '' });
      return { ...condition, field: resolved };
    }
    case 'compare': {
      const resolved = filterableField(field(condition.field));
      checkLiteral(resolved, condition.value);
      return { ...condition, field: resolved };
    }
    case 'set': {
      const resolved = filterableField(field(condition.field));
      for (const value of condition.values) checkLiteral(resolved, value);
      return { ...condition, field: resolved };
    }
  }
}

function invalidField(message: string): SoqlError {
  return new SoqlError('INVALID_FIELD', message);
}

/**
 * Follows `Rel.Rel.Field` from `root`: each relationship by its `relationshipName`, to the objects
 * of its `referenceTo` (several for polymorphic ones such as Owner or Who; the field must exist on
 * one of them). Names match case-insensitively.
 * @throws SoqlError INVALID_FIELD "Didn't understand relationship …" or "No such column …"
 */
function resolveField(ref: FieldRef, root: SObjectDescribe, context: SoqlContext): ResolvedField {
  const hops: FieldDescribe[] = [];
  let targets: SObjectDescribe[] = [root];
  // Salesforce names a polymorphic parent's pseudo-object `Name` in its messages.
  let entity = root.name;
  for (const segment of ref.path.slice(0, -1)) {
    const wanted = segment.toLowerCase();
    const hop = targets.flatMap((d) => d.fields).find((f) => f.relationshipName?.toLowerCase() === wanted);
    if (!hop) {
      throw invalidField(`Didn't understand relationship '${segment}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
    hops.push(hop);
    targets = hop.referenceTo.map((name) => context.describe(name)).filter((d): d is SObjectDescribe => d !== undefined);
    entity = hop.referenceTo.length === 1 ? hop.referenceTo[0]! : 'Name';
  }
  const leaf = ref.path.at(-1)!;
  // A parent object the sandbox does not describe (a User behind Owner, say) is taken on trust.
  if (hops.length > 0 && targets.length === 0) return { hops, name: leaf, describe: undefined };
  const describe = targets.flatMap((d) => d.fields).find((f) => f.name.toLowerCase() === leaf.toLowerCase());
  if (!describe) {
    throw invalidField(`No such column '${leaf}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  return { hops, name: describe.name, describe };
}

function filterableField(field: ResolvedField): ResolvedField {
  if (field.describe?.filterable === false) throw invalidField(`field '${field.name}' can not be filtered in a query call`);
  return field;
}

function sortableField(field: ResolvedField): ResolvedField {
  if (field.describe?.sortable === false) throw invalidField(`field '${field.name}' can not be sorted in a query call`);
  return field;
}

/** Which literal a field type takes, and the type name Salesforce's refusal uses. Types not listed are not checked. */
const LITERAL_RULES: Readonly<Record<string, { literal: Literal['kind']; typeName: string }>> = {
  id: { literal: 'string', typeName: 'id' },
  reference: { literal: 'string', typeName: 'id' },
  ...Object.fromEntries(['string', 'textarea', 'picklist', 'multipicklist', 'combobox', 'email', 'phone', 'url', 'encryptedstring']
    .map((type) => [type, { literal: 'string', typeName: 'string' }])),
  int: { literal: 'number', typeName: 'integer' },
  long: { literal: 'number', typeName: 'long' },
  double: { literal: 'number', typeName: 'double' },
  currency: { literal: 'number', typeName: 'double' },
  percent: { literal: 'number', typeName: 'double' },
  boolean: { literal: 'boolean', typeName: 'boolean' },
  date: { literal: 'date', typeName: 'date' },
  datetime: { literal: 'datetime', typeName: 'dateTime' },
};

/**
 * A filter value must suit its field: `Name = 5` or `CreatedDate > 2024-05-01` fail in a real org,
 * so they fail here. `null` suits every field.
 * @throws SoqlError INVALID_FIELD "value of filter criterion for field 'X' must be of type …"
 */
function checkLiteral(field: ResolvedField, value: Literal): void {
  const rule = field.describe && LITERAL_RULES[field.describe.type];
  if (!rule || value.kind === 'null' || value.kind === rule.literal) return;
  const quoting = rule.literal === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  throw invalidField(`value of filter criterion for field '${field.name}' must be of type ${rule.typeName} and ${quoting}`);
}
