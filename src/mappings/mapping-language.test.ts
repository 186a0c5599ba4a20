import { describe, expect, it } from 'vitest';
import type { CatalogField, ObjectCatalog } from '../connectors/destination.ts';
import { isParleyError } from '../errors.ts';
import { parseMapping } from './load-mappings.ts';
import { FieldObject } from './mapping-schema.ts';
import { planOperations, type MappedEvent } from './plan-operations.ts';

// The field forms beyond a bare expression (docs/mappings.md): literals, value maps, tooLong,
// personal fields, and the documented operation modes. docs/mappings.md's own examples run in
// test/docs-mappings.test.ts.

const text = (name: string, length: number, more: Partial<CatalogField> = {}): CatalogField => ({
  name, label: name, vendorType: 'string', valueType: 'string', length, required: false, nillable: true, createable: true, updateable: true, upsertKey: false, ...more,
});
const catalogs = new Map<string, ObjectCatalog>([['crm', {
  objects: [{
    name: 'Post', label: 'Post', createable: true, updateable: true, deletable: true,
    fields: [
      text('Key', 40, { upsertKey: true }), text('Title', 10), text('Handle', 20),
      text('Channel', 20, { vendorType: 'picklist', picklist: { values: ['Twitter', 'Facebook', 'Other'], restricted: true } }),
      { ...text('Count', 0), length: undefined, vendorType: 'int', valueType: 'integer' },
    ],
  }],
}]]);

const mapping = (fields: string, operation = 'upsert') => parseMapping(`
id: m
source: { kind: interaction }
target: { destination: crm, object: Post, operation: ${operation}, matchKey: Key }
fields:
  Key: networkId
${fields}
`, 'm.yaml');

const event = (data: Record<string, unknown> = {}): MappedEvent => ({
  id: 'e1', source: 'x',
  data: { kind: 'interaction', network: 'x', networkId: '1', activity: 'post', direction: 'inbound', occurredAt: '2026-01-01T00:00:00.000Z', author: { key: 'x:7', userId: '7', handle: 'ada' }, ...data } as never,
});

const plan = async (fields: string, data?: Record<string, unknown>) => planOperations([mapping(fields)], event(data), catalogs);

const issuesOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    // `issues` today; `problems` too once problems carry their column (both have `key`).
    if (isParleyError(error)) return (error.details as { issues?: unknown; problems?: unknown }).issues ?? (error.details as { problems?: unknown }).problems;
    throw error;
  }
  return [];
};

describe('field forms', () => {
  it('value: a literal written as itself, the same as a quoted JSONata literal', async () => {
    const { operations } = await plan('  Channel: { value: Twitter }\n  Count: { value: 3 }\n  Title: \'"Twitter"\'');
    expect(operations[0]!.fields).toEqual({ Key: '1', Channel: 'Twitter', Count: 3, Title: 'Twitter' });
  });

  it('map: the result looked up as text; mapDefault for the others; without it, a problem naming the value and the keys', async () => {
    const spec = '  Channel: { expr: network, map: { x: Twitter, facebook: Facebook } }';
    expect((await plan(spec)).operations[0]!.fields.Channel).toBe('Twitter');
    const unmatched = await plan(spec, { network: 'instagram' });
    expect(unmatched.operations).toEqual([]);
    expect(unmatched.problems).toEqual([{ mappingId: 'm', eventId: 'e1', key: 'fields.Channel.map', problem: '"instagram" is not in the map of Channel (x, facebook): add it, or give mapDefault' }]);
    const withDefault = await plan('  Channel: { expr: network, map: { x: Twitter }, mapDefault: Other }', { network: 'instagram' });
    expect(withDefault.operations[0]!.fields.Channel).toBe('Other');
    // Numbers and booleans are looked up by their text; nothing is not looked up (no field, as for a bare expression).
    expect((await plan('  Title: { expr: direction = "inbound", map: { "true": in, "false": out } }')).operations[0]!.fields.Title).toBe('in');
    expect((await plan('  Title: { expr: text, map: { a: b } }')).operations[0]!.fields).toEqual({ Key: '1' });
  });

  it('default: used when the expression yields nothing, and then not mapped', async () => {
    const { operations } = await plan('  Channel: { expr: title, map: { a: Facebook }, default: Other }');
    expect(operations[0]!.fields.Channel).toBe('Other');
  });

  it('tooLong: error by default (a problem, nothing written); truncate cuts at the length, never half an emoji', async () => {
    const tooLong = await plan('  Title: text', { text: 'abcdefghijkl' });
    expect(tooLong.operations).toEqual([]);
    expect(tooLong.problems).toEqual([{ mappingId: 'm', eventId: 'e1', key: 'fields.Title', problem: 'Title holds at most 10 characters; this value has 12 (tooLong: truncate would cut it)' }]);
    expect((await plan('  Title: { expr: text, tooLong: truncate }', { text: 'abcdefghijkl' })).operations[0]!.fields.Title).toBe('abcdefghij');
    // 😀 is two UTF-16 units: at 9 + 2 the cut would fall inside it, so it goes whole.
    expect((await plan('  Title: { expr: text, tooLong: truncate }', { text: `123456789😀` })).operations[0]!.fields.Title).toBe('123456789');
    expect((await plan('  Title: { expr: text, tooLong: truncate }', { text: `12345678😀x` })).operations[0]!.fields.Title).toBe('12345678😀');
    expect((await plan('  Title: text', { text: '1234567890' })).operations[0]!.fields.Title).toBe('1234567890');
  });

  it('personal: listed on the compiled mapping and on each operation that carries the field', async () => {
    const m = mapping('  Handle: { expr: author.handle, personal: true }\n  Title: { expr: title, personal: true }');
    expect(m.personalFields).toEqual(['Handle', 'Title']);
    const { operations } = await planOperations([m], event(), catalogs);
    expect(operations[0]!.personal).toEqual(['Handle']);
    const none = await planOperations([mapping('  Handle: author.handle')], event(), catalogs);
    expect(none.operations[0]).not.toHaveProperty('personal');
  });

  it('refuses the forms that say two things at once, each at its key', () => {
    expect(FieldObject.safeParse({ expr: 'a', value: 'b' }).error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['value', 'give expr or value, not both']]);
    expect(FieldObject.safeParse({}).error?.issues[0]?.message).toBe('give expr (an expression) or value (a literal)');
    expect(FieldObject.safeParse({ value: 'a', default: 'b' }).error?.issues[0]?.path).toEqual(['default']);
    expect(FieldObject.safeParse({ value: 'a', map: { a: 'b' } }).error?.issues[0]?.path).toEqual(['map']);
    expect(FieldObject.safeParse({ expr: 'a', mapDefault: 'b' }).error?.issues[0]?.path).toEqual(['mapDefault']);
    expect(FieldObject.safeParse({ expr: 'a', map: {} }).success).toBe(false);
    expect(FieldObject.safeParse({ expr: 'a', tooLong: 'cut' }).success).toBe(false);
    expect(FieldObject.safeParse({ value: { a: 1 } }).success).toBe(false);
    expect(issuesOf(() => mapping('  Title: { expr: text, value: x }'))).toEqual([expect.objectContaining({ key: 'fields.Title.value' })]);
  });
});

describe('operation modes', () => {
  it('create-only and update-only are create and update, as every destination knows them; the old names still load', async () => {
    for (const [mode, kind] of [['create-only', 'create'], ['update-only', 'update'], ['create', 'create'], ['update', 'update'], ['upsert', 'upsert']] as const) {
      const m = mapping('', mode);
      expect(m.definition.target.operation, mode).toBe(kind);
      expect((await planOperations([m], event(), catalogs)).operations[0]!.operation, mode).toBe(kind);
    }
    expect(issuesOf(() => mapping('', 'insert'))).toEqual([expect.objectContaining({ key: 'target.operation' })]);
  });
});
