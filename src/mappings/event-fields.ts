import { z } from 'zod';
import { Erasure, Identity, Interaction, type EventKind } from '../model/index.ts';

/**
 * The fields of each canonical event kind as mapping expressions see them, read from the zod
 * schemas in src/model/: one list feeds both the load-time check of mapping paths
 * (model-paths.ts) and docs/events.md (events-doc.ts), so the two cannot disagree.
 */

/** The schema of each event kind: what a mapping whose `source.kind` names it reads. */
export const eventSchemas = { identity: Identity, interaction: Interaction, erasure: Erasure } as const satisfies Record<EventKind, z.ZodType>;

/** One field of an event kind. */
export interface EventField {
  /** Dotted path from the event's root; a list's items' fields are reached through it (`mentions.handle`). */
  path: string;
  /** `string`, `integer`, `number`, `boolean`, `instant`, `URL`, `enum`, `object`, `list of …`, `any`. */
  type: string;
  /** The values an `enum` (or a constant) takes. */
  values?: string[];
  /** Present in every event of the kind. */
  required: boolean;
  /** Under a union (`subject` of an erasure): the variants it is present in, and required in. */
  variants?: { on: string; present: string[]; required: string[]; all: string[] };
  description?: string;
  /** Declared in the schema's `.meta({ examples })`, or the value of a constant. */
  example?: unknown;
  /** It has fields of its own: an object, or a list of objects. */
  hasFields: boolean;
  /** Any path below it is valid (a record, `unknown`): nothing below it can be checked. */
  open: boolean;
}

type Schema = z.core.$ZodType;

/** The variant of a union a field was found in: `subject.type` is `post`. */
interface Variant { on: string; value: string; all: string[] }

/** A field as found in one variant, before variants are merged. */
interface Found extends Omit<EventField, 'required' | 'variants'> { optional: boolean; variant?: Variant }

const cache = new Map<EventKind, EventField[]>();

/** Every field of an event kind, parents before their children, in schema order. */
export function eventFields(kind: EventKind): EventField[] {
  let fields = cache.get(kind);
  if (!fields) {
    const found: Found[] = [];
    collect(eventSchemas[kind], [], undefined, found);
    fields = merge(found);
    cache.set(kind, fields);
  }
  return fields;
}

/** The text of a schema's description, declared with `.describe()` or `.meta()`. */
export function descriptionOf(schema: Schema): string | undefined {
  return unwrap(schema).description;
}

/** An event of the kind built from the declared examples: every field, each with its example. */
export function exampleEvent(kind: EventKind): Record<string, unknown> {
  return exampleOf(eventSchemas[kind]) as Record<string, unknown>;
}

function collect(schema: Schema, prefix: string[], variant: Variant | undefined, out: Found[]): void {
  for (const [key, child] of Object.entries(shapeOf(schema))) {
    const path = [...prefix, key];
    const field = unwrap(child);
    const node = describeNode(field.schema);
    const example = field.example ?? (node.values?.length === 1 ? node.values[0] : undefined);
    out.push({
      path: path.join('.'), type: node.type, optional: field.optional, hasFields: node.branches.length > 0, open: node.open,
      ...(node.values ? { values: node.values } : {}), ...(field.description ? { description: field.description } : {}),
      ...(example !== undefined ? { example } : {}), ...(variant ? { variant } : {}),
    });
    const discriminator = unionDiscriminator(field.schema);
    const labels = node.branches.map((b) => (discriminator ? constantOf(shapeOf(b)[discriminator]) : undefined));
    for (const [i, branch] of node.branches.entries()) {
      const label = labels[i];
      const inner = discriminator && label !== undefined ? { on: [...path, discriminator].join('.'), value: label, all: labels.filter((l) => l !== undefined) } : variant;
      collect(branch, path, inner, out);
    }
  }
}

/** Merges a field found in several variants into one: present if present in any. */
function merge(found: Found[]): EventField[] {
  const byPath = new Map<string, Found[]>();
  for (const f of found) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
  return [...byPath.values()].map((all) => {
    const [first] = all as [Found, ...Found[]];
    const values = [...new Set(all.flatMap((f) => f.values ?? []))];
    const variant = first.variant;
    const base: EventField = {
      path: first.path, type: values.length > 1 && first.type === 'constant' ? 'enum' : first.type, required: !first.optional,
      hasFields: all.some((f) => f.hasFields), open: all.some((f) => f.open),
      ...(values.length > 0 ? { values } : {}),
      ...pick(all, 'description'), ...pick(all, 'example'),
    };
    if (!variant) return base;
    const present = all.flatMap((f) => (f.variant ? [f.variant.value] : []));
    const required = all.flatMap((f) => (f.variant && !f.optional ? [f.variant.value] : []));
    return { ...base, required: required.length === variant.all.length, variants: { on: variant.on, present, required, all: variant.all } };
  });
}

function pick(all: Found[], key: 'description' | 'example'): Partial<Found> {
  const f = all.find((x) => x[key] !== undefined);
  return f ? { [key]: f[key] } : {};
}

/** A schema without its wrappers (optional, default, pipe, …), with what the wrappers said. */
function unwrap(schema: Schema): { schema: Schema; optional: boolean; description?: string; example?: unknown } {
  let s = schema;
  let optional = false;
  let description: string | undefined;
  let example: unknown;
  for (;;) {
    // The outermost description and example win: a field's own over its type's (`NetworkId`).
    const meta = z.globalRegistry.get(s as z.ZodType);
    description ??= meta?.description;
    if (example === undefined && Array.isArray(meta?.examples)) example = (meta.examples as unknown[])[0];
    const def = s._zod.def as unknown as { type: string; innerType?: Schema; in?: Schema; out?: Schema; getter?: () => Schema };
    if (def.type === 'optional' || def.type === 'nullable') optional = true;
    // A default fills the parsed event, which is what mappings read: not optional.
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType!;
    else if (def.type === 'pipe') s = (def.out!._zod.def.type === 'transform' ? def.in : def.out)!;
    else if (def.type === 'lazy') s = def.getter!();
    else return { schema: s, optional, ...(description ? { description } : {}), ...(example !== undefined ? { example } : {}) };
  }
}

/** How a schema reads in the docs, and the objects below it (one per variant of a union). */
function describeNode(schema: Schema): { type: string; values?: string[]; branches: Schema[]; open: boolean } {
  const def = schema._zod.def as unknown as { type: string; format?: string; element?: Schema; options?: Schema[]; entries?: Record<string, string>; values?: unknown[] };
  switch (def.type) {
    case 'object': return { type: 'object', branches: [schema], open: false };
    case 'array': {
      const element = describeNode(unwrap(def.element!).schema);
      const type = element.branches.length > 0 ? 'objects' : element.type === 'enum' || element.type === 'constant' ? 'strings' : `${element.type}s`;
      return { ...element, type: `list of ${type}` };
    }
    case 'union': {
      const options = def.options!.map((o) => describeNode(unwrap(o).schema));
      const types = [...new Set(options.map((o) => o.type))];
      const values = options.flatMap((o) => o.values ?? []);
      return { type: types.join(' or '), branches: options.flatMap((o) => o.branches), open: options.some((o) => o.open), ...(values.length ? { values } : {}) };
    }
    case 'string': return { type: def.format === 'datetime' ? 'instant' : def.format === 'url' ? 'URL' : 'string', branches: [], open: false };
    case 'number': return { type: (schema as z.ZodNumber).isInt ? 'integer' : 'number', branches: [], open: false };
    case 'enum': return { type: 'enum', values: Object.values(def.entries!).map(String), branches: [], open: false };
    case 'literal': return { type: 'constant', values: def.values!.map(String), branches: [], open: false };
    case 'record': case 'map': return { type: 'map', branches: [], open: true };
    case 'unknown': case 'any': case 'custom': return { type: 'any', branches: [], open: true };
    default: return { type: def.type, branches: [], open: false };
  }
}

function shapeOf(schema: Schema): Record<string, Schema> {
  return (schema._zod.def as unknown as { shape?: Record<string, Schema> }).shape ?? {};
}

function unionDiscriminator(schema: Schema): string | undefined {
  return (schema._zod.def as unknown as { discriminator?: string }).discriminator;
}

function constantOf(schema: Schema | undefined): string | undefined {
  if (!schema) return undefined;
  const values = describeNode(unwrap(schema).schema).values;
  return values?.length === 1 ? values[0] : undefined;
}

function exampleOf(schema: Schema): unknown {
  const field = unwrap(schema);
  if (field.example !== undefined) return field.example;
  const def = field.schema._zod.def as unknown as { type: string; element?: Schema; options?: Schema[] };
  if (def.type === 'object') {
    const entries = Object.entries(shapeOf(field.schema)).map(([key, child]) => [key, exampleOf(child)] as const);
    return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
  }
  if (def.type === 'array') return [exampleOf(def.element!)];
  if (def.type === 'union') return exampleOf(def.options![0]!);
  return describeNode(field.schema).values?.[0];
}
