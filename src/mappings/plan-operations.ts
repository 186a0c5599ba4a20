import type { CatalogField, ObjectCatalog, WriteOperationKind } from '../connectors/destination.ts';
import type { CanonicalData } from '../model/index.ts';
import type { OperationReference } from '../store/store.ts';
import type { CompiledMapping } from './compiled-mapping.ts';

/** A canonical event as mappings see it: its data is the expressions' input. */
export interface MappedEvent {
  id: string;
  source: string;
  data: CanonicalData;
}

/** One CRM write a mapping asks for, before it is queued in the outbox. */
export interface PlannedOperation {
  mappingId: string;
  /** The event it came from. */
  eventId: string;
  destination: string;
  object: string;
  operation: WriteOperationKind;
  matchKey?: string;
  /** The match key's value (`ExternalPostId`'s), when there is a match key. */
  matchValue?: string;
  /** This record's key among Parley's links: `target.recordKey`, else the match value. */
  recordKey?: string;
  /** Field values, coerced to the catalog's types when a catalog is given. */
  fields: Record<string, unknown>;
  /** Fields bound at dispatch to the CRM id of another record (`PersonaId` → SocialPersona `x:42`). */
  references: OperationReference[];
}

/** A mapping that matched but could not produce its operation (a value of the wrong type): never silent. */
export interface MappingProblem {
  mappingId: string;
  eventId: string;
  /** `fields.Followers`, `when`, … */
  key: string;
  problem: string;
}

/**
 * Runs every mapping whose source matches the event: `when`, then each field and reference.
 * Pure but for JSONata's promises: the same event and mappings always give the same operations.
 * @param catalogs per destination, to coerce values to field types; without one, values pass as they are
 */
export async function planOperations(
  mappings: readonly CompiledMapping[], event: MappedEvent, catalogs: ReadonlyMap<string, ObjectCatalog> = new Map(),
): Promise<{ operations: PlannedOperation[]; problems: MappingProblem[] }> {
  const operations: PlannedOperation[] = [];
  const problems: MappingProblem[] = [];
  for (const mapping of mappings) {
    const { source, target, id } = mapping.definition;
    if (source.kind !== event.data.kind) continue;
    if (source.network && source.network !== event.data.network) continue;
    const problem = (key: string, text: string) => problems.push({ mappingId: id, eventId: event.id, key, problem: text });
    try {
      if (mapping.when && (await mapping.when.evaluate(event.data)) !== true) continue;
    } catch (error) {
      problem('when', (error as Error).message);
      continue;
    }
    const object = catalogs.get(target.destination)?.objects.find((o) => o.name === target.object);
    const fields: Record<string, unknown> = {};
    let failed = false;
    for (const f of mapping.fields) {
      try {
        let value = await f.expression.evaluate(event.data);
        if (value === undefined && f.hasDefault) value = f.default;
        if (value === undefined) continue;
        const catalogField = object?.fields.find((c) => c.name === f.name);
        fields[f.name] = catalogField ? coerce(value, catalogField) : plain(value);
      } catch (error) {
        problem(`fields.${f.name}`, (error as Error).message);
        failed = true;
      }
    }
    const references: PlannedOperation['references'] = [];
    for (const r of mapping.references) {
      try {
        if (!r.key) {
          const match: Array<{ object: string; field: string; value: string }> = [];
          for (const m of r.match) {
            const value = await m.value.evaluate(event.data);
            if (value !== undefined && value !== null && value !== '') match.push({ object: m.object, field: m.field, value: String(value) });
          }
          // Match rules alone: with no rule value for this event there is nothing to look up; the field stays empty.
          if (!r.firstOfIdentity && match.length === 0) continue;
          const person = r.person ? await r.person.evaluate(event.data) : undefined;
          references.push({
            field: r.name, object: r.object, ...(r.firstOfIdentity ? { firstOfIdentity: true } : {}), bind: r.bind, ...(match.length > 0 ? { match } : {}),
            ...(typeof person === 'string' && person !== '' ? { person } : {}),
          });
          continue;
        }
        const key = await r.key.evaluate(event.data);
        if (key === undefined || key === null) continue;
        // The matched parent of a record is linked under `<object>.parent` (see the dispatcher).
        references.push({ field: r.name, object: r.parentOf ? `${r.object}.parent` : r.object, key: String(key), bind: r.bind });
      } catch (error) {
        problem(`references.${r.name}`, (error as Error).message);
        failed = true;
      }
    }
    if (failed) continue;
    const matchValue = target.matchKey !== undefined && fields[target.matchKey] !== undefined && fields[target.matchKey] !== null ? String(fields[target.matchKey]) : undefined;
    let recordKey = matchValue;
    if (mapping.recordKey) {
      const key = await mapping.recordKey.evaluate(event.data).catch((error: Error) => { problem('target.recordKey', error.message); return undefined; });
      recordKey = key === undefined || key === null ? undefined : String(key);
    }
    if (target.matchKey && matchValue === undefined && target.operation !== 'create') {
      problem(`fields.${target.matchKey}`, `the match key ${target.matchKey} has no value for this event`);
      continue;
    }
    operations.push({
      mappingId: id, eventId: event.id, destination: target.destination, object: target.object, operation: target.operation,
      ...(target.matchKey ? { matchKey: target.matchKey } : {}), ...(matchValue !== undefined ? { matchValue } : {}),
      ...(recordKey !== undefined ? { recordKey } : {}), fields, references,
    });
  }
  return { operations, problems };
}

/** JSONata sequences are arrays with extra properties; copy them into plain JSON. */
function plain(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * Converts a value to what the field takes.
 * @throws Error saying what was expected, when the value cannot be converted
 */
export function coerce(value: unknown, field: CatalogField): unknown {
  if (value === null) return null;
  const fail = (): never => { throw new Error(`${field.name} takes a value of type ${field.vendorType}; got ${JSON.stringify(plain(value))?.slice(0, 80)}`); };
  switch (field.valueType) {
    case 'string': case 'reference': {
      if (typeof value === 'object') fail();
      const text = String(value);
      if (field.picklist?.restricted && !field.picklist.values.includes(text)) throw new Error(`${JSON.stringify(text)} is not a value of ${field.name} (${field.picklist.values.join(', ')})`);
      return text;
    }
    case 'integer': case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n) || (field.valueType === 'integer' && !Number.isInteger(n))) fail();
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail();
    case 'datetime': case 'date': {
      const instant = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
      if (!instant || Number.isNaN(instant.getTime())) fail();
      const iso = instant!.toISOString();
      return field.valueType === 'date' ? iso.slice(0, 10) : iso;
    }
    default:
      return plain(value);
  }
}
