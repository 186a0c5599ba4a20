import jsonata from 'jsonata';
import type { KeyedIssue } from '../config/zod-issues.ts';
import { eventPaths } from './expression-paths.ts';
import { fastReader, NEEDS_JSONATA } from './fast-path.ts';
import type { FieldSpec, MappingFile } from './mapping-schema.ts';
import { checkModelPaths, type ModelPathIssue } from './model-paths.ts';

/** A JSONata expression compiled once, with the text it came from. */
export interface CompiledExpression {
  source: string;
  evaluate(input: unknown): Promise<unknown>;
  /** Evaluated without JSONata: in the compiled subset (paths that cross no list, literals, comparisons, `and`, `&`, `?:`, a few functions: fast-path.ts). */
  fast: boolean;
  /** The event paths it reads (`author.handle`), for a preview's trace; empty for a literal. */
  paths: string[];
}

/** A target field as the planner runs it: the value's expression and what is done with its result. */
export interface CompiledField {
  name: string;
  /** The `expr`, or the `value` as a literal expression (its JSON text). */
  expression: CompiledExpression;
  /** Used when the expression yields nothing; present when `hasDefault`. */
  default?: unknown;
  hasDefault: boolean;
  /** Value map: the result (as text) → the value written. */
  map?: Readonly<Record<string, unknown>>;
  /** The value when the result is not in `map`; present when `hasMapDefault`. */
  mapDefault?: unknown;
  hasMapDefault: boolean;
  /** Text longer than the catalog field's length: report (`error`) or cut (`truncate`). */
  tooLong: 'error' | 'truncate';
  personal: boolean;
}

/** A reference field as the planner runs it (mapping-schema.ts, `ReferenceSpec`). */
export interface CompiledReference {
  name: string;
  object: string;
  key?: CompiledExpression;
  firstOfIdentity: boolean;
  bind: 'wait' | 'later';
  parentOf: boolean;
  /** With `parentOf: <Object>`: the parent only when a match rule on that object found it. */
  parentObject?: string;
  match: Array<{ object: string; field: string; value: CompiledExpression }>;
  person?: CompiledExpression;
}

/** A mapping with every expression compiled: what the planner runs. */
export interface CompiledMapping {
  definition: MappingFile;
  /** The file it came from, for messages. */
  file: string;
  when?: CompiledExpression;
  recordKey?: CompiledExpression;
  fields: CompiledField[];
  references: CompiledReference[];
  /** The fields marked `personal: true`, in file order. */
  personalFields: string[];
  /** `link`: the event's record of `object` that gets `field` set to this mapping's record. */
  link?: { object: string; matchKey: string; field: string; key: CompiledExpression };
  /** The line in the file of a key such as `fields.Content`, for messages. */
  lineOf?: (key: string) => number | undefined;
}

/**
 * Compiles a mapping's expressions (JSONata) and checks the paths each reads against the model of
 * the event kind it takes (`source.kind`). A syntax error or a path the model does not have is
 * collected as an issue naming the key (and the position, or the path and the nearest real one),
 * never thrown, so one pass reports every problem. Expressions in the compiled subset are marked
 * `fast` and evaluated without JSONata, save for an event whose values fall outside it (fast-path.ts).
 */
export function compileMapping(definition: MappingFile, file: string): { mapping?: CompiledMapping; issues: Array<KeyedIssue & Partial<ModelPathIssue>> } {
  const issues: Array<KeyedIssue & Partial<ModelPathIssue>> = [];
  const kind = definition.source.kind;
  const compile = (key: string, source: string): CompiledExpression | undefined => {
    let expression: jsonata.Expression;
    try {
      expression = jsonata(source);
    } catch (error) {
      const e = error as { message?: string; position?: number };
      issues.push({ key, problem: `cannot compile ${JSON.stringify(source)}: ${e.message ?? String(error)}${e.position !== undefined ? ` (at character ${e.position})` : ''}` });
      return undefined;
    }
    const ast = expression.ast();
    for (const issue of checkModelPaths(ast, kind)) issues.push({ key, ...issue });
    const viaJsonata = (input: unknown) => expression.evaluate(input) as Promise<unknown>;
    const paths = eventPaths(ast).map((p) => p.join('.'));
    const read = fastReader(ast, kind);
    if (!read) return { source, evaluate: viaJsonata, fast: false, paths };
    return {
      source, fast: true, paths,
      evaluate: (input) => {
        const value = read(input);
        return value === NEEDS_JSONATA ? viaJsonata(input) : Promise.resolve(value);
      },
    };
  };
  const when = definition.when === undefined ? undefined : compile('when', definition.when);
  const recordKey = definition.target.recordKey === undefined ? undefined : compile('target.recordKey', definition.target.recordKey);
  const fields = Object.entries(definition.fields).flatMap(([name, spec]): CompiledField[] => {
    const parts = fieldParts(spec);
    const expression = compile(parts.value === undefined ? `fields.${name}` : `fields.${name}.value`, parts.value === undefined ? parts.expr : JSON.stringify(parts.value.literal));
    return expression ? [{ name, expression, ...parts.rest }] : [];
  });
  const references = Object.entries(definition.references).flatMap(([name, spec]): CompiledReference[] => {
    const match = (spec.match ?? []).flatMap((m, i) => {
      const value = compile(`references.${name}.match.${i}.value`, m.value);
      return value ? [{ object: m.object, field: m.field, value }] : [];
    });
    const person = spec.person === undefined ? undefined : compile(`references.${name}.person`, spec.person);
    if (spec.key === undefined) return [{ name, object: spec.object, firstOfIdentity: spec.firstOfIdentity === true, bind: spec.bind, parentOf: false, match, ...(person ? { person } : {}) }];
    const key = compile(`references.${name}.key`, spec.key);
    return key ? [{ name, object: spec.object, key, firstOfIdentity: false, bind: spec.bind, parentOf: spec.parentOf !== undefined, ...(typeof spec.parentOf === 'string' ? { parentObject: spec.parentOf } : {}), match }] : [];
  });
  const linkKey = definition.link === undefined ? undefined : compile('link.key', definition.link.key);
  const link = definition.link && linkKey ? { object: definition.link.object, matchKey: definition.link.matchKey, field: definition.link.field, key: linkKey } : undefined;
  if (issues.length > 0) return { issues };
  const personalFields = fields.filter((f) => f.personal).map((f) => f.name);
  return { mapping: { definition, file, ...(when ? { when } : {}), ...(recordKey ? { recordKey } : {}), fields, references, personalFields, ...(link ? { link } : {}) }, issues };
}

/** A field spec's parts: its expression (or literal) and the rest of what a compiled field holds. */
function fieldParts(spec: FieldSpec): { expr: string; value?: { literal: unknown }; rest: Omit<CompiledField, 'name' | 'expression'> } {
  const none = { hasDefault: false, hasMapDefault: false, tooLong: 'error', personal: false } as const;
  if (typeof spec === 'string') return { expr: spec, rest: none };
  const rest: Omit<CompiledField, 'name' | 'expression'> = {
    hasDefault: 'default' in spec, ...('default' in spec ? { default: spec.default } : {}),
    ...(spec.map ? { map: spec.map } : {}),
    hasMapDefault: 'mapDefault' in spec, ...('mapDefault' in spec ? { mapDefault: spec.mapDefault } : {}),
    tooLong: spec.tooLong ?? 'error', personal: spec.personal === true,
  };
  // A literal is compiled as its JSON text, which JSONata reads as the same value; catalog checks see it as any literal.
  return 'value' in spec ? { expr: JSON.stringify(spec.value), value: { literal: spec.value }, rest } : { expr: spec.expr!, rest };
}
