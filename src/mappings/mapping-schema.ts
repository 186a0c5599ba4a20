import { z } from 'zod';
import type { WriteOperationKind } from '../connectors/destination.ts';

/** A JSONata expression over the canonical event (`networkId`, `author.userId`, `'"Twitter"'`). */
const Expression = z.string().min(1, 'an expression cannot be empty');

/** A JSON scalar written as itself in YAML (`Twitter`, `true`, `42`, `null`): what a literal, a map's value or a default may be. */
const Literal = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * A target field's value written out (docs/mappings.md): an expression (`expr`) or a literal
 * (`value`), and what to do with its result. The order a value goes through: the expression,
 * `default` when it yields nothing, `map`, conversion to the catalog field's type, `tooLong`.
 */
export const FieldObject = z.object({
  /** The expression giving the value. */
  expr: Expression.optional(),
  /** Instead of `expr`: a literal, written as itself (`value: Twitter`, no JSONata quoting). */
  value: Literal.optional(),
  /** Used when the expression yields nothing (undefined). */
  default: z.unknown().optional(),
  /** The expression's result looked up (as text): `{ x: Twitter, facebook: Facebook }`. */
  map: z.record(z.string(), Literal).refine((m) => Object.keys(m).length > 0, 'give at least one entry').optional(),
  /** The value when the result is not a key of `map`; without it, that is a problem for the event. */
  mapDefault: Literal.optional(),
  /** Text longer than the catalog field's length: `error` (default) reports a problem, `truncate` cuts it. */
  tooLong: z.enum(['error', 'truncate']).optional(),
  /** Personal data (consent rules may leave it out of CRM writes): listed on every operation as `personal`. */
  personal: z.boolean().optional(),
}).strict().superRefine((spec, ctx) => {
  const hasValue = 'value' in spec;
  if (spec.expr === undefined && !hasValue) ctx.addIssue({ code: 'custom', path: [], message: 'give expr (an expression) or value (a literal)' });
  if (spec.expr !== undefined && hasValue) ctx.addIssue({ code: 'custom', path: ['value'], message: 'give expr or value, not both' });
  if (hasValue && 'default' in spec) ctx.addIssue({ code: 'custom', path: ['default'], message: 'a value is always there: it needs no default' });
  if (hasValue && spec.map !== undefined) ctx.addIssue({ code: 'custom', path: ['map'], message: 'a map looks up what expr gives: write the value you want instead' });
  if ('mapDefault' in spec && spec.map === undefined) ctx.addIssue({ code: 'custom', path: ['mapDefault'], message: 'goes with map: the value when the result is not one of its keys' });
});

/** A target field's value: an expression, or the written-out form (`FieldObject`). */
export const FieldSpec = z.union([Expression, FieldObject]);
export type FieldSpec = z.infer<typeof FieldSpec>;

/**
 * A field whose value is the CRM id of a record another mapping writes (`PersonaId` of a
 * SocialPost): bound when the operation is dispatched, from the links Parley keeps.
 */
export const ReferenceSpec = z.object({
  /** The referenced record's object (`SocialPersona`). */
  object: z.string().min(1),
  /**
   * Instead of the record itself: the CRM record it was matched to as its parent (a persona's Contact
   * or Lead), e.g. `WhoId: { object: SocialPersona, key: author.key, parentOf: true, bind: later }`.
   * Empty when the persona was parented to a post instead. `parentOf: Contact` takes the parent only
   * when a match rule on that object found it (a Case's `ContactId` must not get a Lead's id).
   */
  parentOf: z.union([z.literal(true), z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'an object name such as Contact')]).optional(),
  /** Expression giving the referenced record's key, as that record's mapping declares it (`author.key`). */
  key: Expression.optional(),
  /** Instead of `key`: the first record of `object` written for the same identity (a persona's first post). */
  firstOfIdentity: z.literal(true).optional(),
  /**
   * Records the person already is in the CRM, tried in order — e.g. `{ object: Contact, field:
   * Email, value: email }`; the first found is the reference. With `firstOfIdentity`, tried before
   * the identity's first record; alone (no `key`, no `firstOfIdentity`), the field stays empty when
   * none is found (a Dynamics social profile linked to the contact a rule finds).
   */
  match: z.array(z.object({ object: z.string().min(1), field: z.string().min(1), value: Expression }).strict()).optional(),
  /**
   * Expression giving the identity (`key`) whose person this record belongs to. When that identity
   * is linked into a person whose primary identity is another one, the reference resolves as it
   * does for the primary (its matched parent, else its first record): a persona's `ParentId`
   * follows the person's record. When the person changes (link, unmerge), Parley queues an update
   * of this field (src/people/parent-changes.ts). E.g. `ParentId: { object: SocialPost,
   * firstOfIdentity: true, person: key }`.
   */
  person: Expression.optional(),
  /**
   * `wait` (default): hold this write until the referenced record, if planned, is written.
   * `later`: write now, and set the field once the referenced record is written.
   */
  bind: z.enum(['wait', 'later']).default('wait'),
}).strict()
  .refine((r) => !(r.key !== undefined && r.firstOfIdentity !== undefined), 'give key or firstOfIdentity: true, not both')
  .refine((r) => r.key !== undefined || r.firstOfIdentity !== undefined || (r.match !== undefined && r.match.length > 0), 'give key, firstOfIdentity: true, or match rules')
  .refine((r) => r.match === undefined || r.key === undefined, 'match goes with firstOfIdentity: true, or alone; not with key')
  .refine((r) => r.person === undefined || r.firstOfIdentity !== undefined, 'person goes with firstOfIdentity: true (a parent that follows the person)');

/**
 * One mapping file (`mappings/<destination>/<id>.yaml`): which events it takes, what it writes.
 * See ARCHITECTURE.md, "Mappings"; the files are data, interpreted by the planner.
 */
export const MappingFile = z.object({
  /** Unique; the file name without `.yaml`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  description: z.string().optional(),
  source: z.object({
    kind: z.enum(['identity', 'interaction', 'erasure']),
    /** Only events of this network (`x`); all networks when absent. */
    network: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  }).strict(),
  /** A JSONata condition; the mapping applies only when it is true. */
  when: Expression.optional(),
  target: z.object({
    /** The destination's name in `parley.yaml` (`salesforce`). */
    destination: z.string().regex(/^[a-z][a-z0-9-]*$/),
    object: z.string().min(1),
    /**
     * `upsert`, `create-only`, `update-only` or `delete`; `create` and `update` are the older names
     * of the two `-only` modes. Read as `create`/`update`, the operation kinds every destination knows.
     */
    operation: z.enum(['create', 'update', 'upsert', 'delete', 'create-only', 'update-only']).transform(operationKind),
    /** The field that identifies the record in the CRM (`ExternalPostId`): an upsert's key, or the natural key looked up. */
    matchKey: z.string().min(1).optional(),
    /** Expression giving the record's key among Parley's links (default: the match key's value). */
    recordKey: Expression.optional(),
  }).strict(),
  fields: z.record(z.string().min(1), FieldSpec).default({}),
  references: z.record(z.string().min(1), ReferenceSpec).default({}),
  /**
   * A second target from the same event: once this mapping's record is written, the event's record
   * of `object` (found by `matchKey` = `key`) gets `field` set to it. E.g. an escalation Case links
   * the post's SocialPost to itself: `link: { object: SocialPost, matchKey: ExternalPostId, key:
   * networkId, field: ParentId }`. One mapping, one condition: the Case and its link never disagree.
   */
  link: z.object({
    object: z.string().min(1),
    matchKey: z.string().min(1),
    /** Expression giving the linked record's `matchKey` value (the post's `networkId`). */
    key: Expression,
    /** The linked record's reference field set to this mapping's record. */
    field: z.string().min(1),
  }).strict().optional(),
}).strict().superRefine((mapping, ctx) => {
  if (mapping.link && mapping.target.recordKey === undefined && mapping.target.matchKey === undefined) {
    ctx.addIssue({ code: 'custom', path: ['link'], message: 'needs target.recordKey (or a matchKey): the linked record refers to this one by its key' });
  }
  const { operation, matchKey } = mapping.target;
  if ((operation === 'upsert' || operation === 'update' || operation === 'delete') && !matchKey) {
    ctx.addIssue({ code: 'custom', path: ['target', 'matchKey'], message: `is required for ${operation}: it says which record to write` });
  }
  if (operation === 'upsert' && matchKey && !(matchKey in mapping.fields)) {
    ctx.addIssue({ code: 'custom', path: ['fields'], message: `an upsert must map its match key ${matchKey}` });
  }
  for (const name of Object.keys(mapping.references)) {
    if (name in mapping.fields) ctx.addIssue({ code: 'custom', path: ['references', name], message: 'is also in fields: a field is either mapped or a reference' });
  }
});
export type MappingFile = z.infer<typeof MappingFile>;

/** An operation mode as written → the kind of write it is (`create-only` → `create`). */
function operationKind(mode: 'create' | 'update' | 'upsert' | 'delete' | 'create-only' | 'update-only'): WriteOperationKind {
  return mode === 'create-only' ? 'create' : mode === 'update-only' ? 'update' : mode;
}
