import jsonata from 'jsonata';
import type { KeyedIssue } from '../config/zod-issues.ts';
import type { FieldSpec, MappingFile } from './mapping-schema.ts';
import { checkModelPaths, type ModelPathIssue } from './model-paths.ts';

/** A JSONata expression compiled once, with the text it came from. */
export interface CompiledExpression {
  source: string;
  evaluate(input: unknown): Promise<unknown>;
}

/** A mapping with every expression compiled: what the planner runs. */
export interface CompiledMapping {
  definition: MappingFile;
  /** The file it came from, for messages. */
  file: string;
  when?: CompiledExpression;
  recordKey?: CompiledExpression;
  fields: Array<{ name: string; expression: CompiledExpression; default?: unknown; hasDefault: boolean }>;
  references: Array<{ name: string; object: string; key?: CompiledExpression; firstOfIdentity: boolean; bind: 'wait' | 'later'; parentOf: boolean; match: Array<{ object: string; field: string; value: CompiledExpression }>; person?: CompiledExpression }>;
  /** The line in the file of a key such as `fields.Content`, for messages. */
  lineOf?: (key: string) => number | undefined;
}

/**
 * Compiles a mapping's expressions (JSONata) and checks the paths each reads against the model of
 * the event kind it takes (`source.kind`). A syntax error or a path the model does not have is
 * collected as an issue naming the key (and the position, or the path and the nearest real one),
 * never thrown, so one pass reports every problem.
 */
export function compileMapping(definition: MappingFile, file: string): { mapping?: CompiledMapping; issues: Array<KeyedIssue & Partial<ModelPathIssue>> } {
  const issues: Array<KeyedIssue & Partial<ModelPathIssue>> = [];
  const compile = (key: string, source: string): CompiledExpression | undefined => {
    let expression: jsonata.Expression;
    try {
      expression = jsonata(source);
    } catch (error) {
      const e = error as { message?: string; position?: number };
      issues.push({ key, problem: `cannot compile ${JSON.stringify(source)}: ${e.message ?? String(error)}${e.position !== undefined ? ` (at character ${e.position})` : ''}` });
      return undefined;
    }
    for (const issue of checkModelPaths(expression.ast(), definition.source.kind)) issues.push({ key, ...issue });
    return { source, evaluate: (input) => expression.evaluate(input) as Promise<unknown> };
  };
  const when = definition.when === undefined ? undefined : compile('when', definition.when);
  const recordKey = definition.target.recordKey === undefined ? undefined : compile('target.recordKey', definition.target.recordKey);
  const fields = Object.entries(definition.fields).flatMap(([name, spec]) => {
    const { expr, hasDefault, value } = fieldParts(spec);
    const expression = compile(`fields.${name}`, expr);
    return expression ? [{ name, expression, hasDefault, ...(hasDefault ? { default: value } : {}) }] : [];
  });
  const references = Object.entries(definition.references).flatMap(([name, spec]) => {
    const match = (spec.match ?? []).flatMap((m, i) => {
      const value = compile(`references.${name}.match.${i}.value`, m.value);
      return value ? [{ object: m.object, field: m.field, value }] : [];
    });
    const person = spec.person === undefined ? undefined : compile(`references.${name}.person`, spec.person);
    if (spec.key === undefined) return [{ name, object: spec.object, firstOfIdentity: spec.firstOfIdentity === true, bind: spec.bind, parentOf: false, match, ...(person ? { person } : {}) }];
    const key = compile(`references.${name}.key`, spec.key);
    return key ? [{ name, object: spec.object, key, firstOfIdentity: false, bind: spec.bind, parentOf: spec.parentOf === true, match }] : [];
  });
  if (issues.length > 0) return { issues };
  return { mapping: { definition, file, ...(when ? { when } : {}), ...(recordKey ? { recordKey } : {}), fields, references }, issues };
}

function fieldParts(spec: FieldSpec): { expr: string; hasDefault: boolean; value?: unknown } {
  if (typeof spec === 'string') return { expr: spec, hasDefault: false };
  return { expr: spec.expr, hasDefault: 'default' in spec, value: spec.default };
}
