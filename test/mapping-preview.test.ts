import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCatalogObject } from '../connectors/salesforce/catalog.ts';
import { buildDescribes } from '../connectors/salesforce/sandbox/describes.ts';
import { parseDelivery } from '../connectors/x/parse/index.ts';
import type { ObjectCatalog } from '../src/connectors/index.ts';
import { loadMappings, parseMapping } from '../src/mappings/load-mappings.ts';
import { planOperations, type MappedEvent } from '../src/mappings/plan-operations.ts';
import { previewMapping } from '../src/mappings/preview.ts';

// A preview runs the planner's own code on one mapping and one event and says, per target field
// and reference, what it read, what it got and what became of it. It has no store and no CRM to
// write to (its parameters are the mapping, the event and a catalog); the event is frozen here, so
// it cannot change that either.

const catalog: ObjectCatalog = { objects: [...buildDescribes().values()].map((d) => toCatalogObject(d as never)) };
const shipped = loadMappings(join(process.cwd(), 'mappings'));
const mapping = (id: string) => shipped.find((m) => m.definition.id === id)!;

function xEvent(fixture: string, kind: string): MappedEvent {
  const body = JSON.parse(readFileSync(join('test', 'fixtures', 'x', fixture), 'utf8')) as unknown;
  const data = parseDelivery(body, { receivedAt: new Date('2026-11-23T10:00:00Z') }).map((e) => e.data).find((d) => d.kind === kind)!;
  return deepFreeze({ id: fixture, source: 'x', data });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

const mention = xEvent('zammad-tweet-create-truncated-reply-to-user.json', 'interaction');

describe('previewMapping', () => {
  it('the default SocialPost mapping: one trace entry per field and reference, the operation the planner makes, the when that passed', async () => {
    const sfPost = mapping('sf-x-post');
    const preview = await previewMapping(sfPost, mention, catalog);
    expect(preview).toMatchObject({ mappingId: 'sf-x-post', matched: true, problems: [] });
    expect(preview.skipped).toBeUndefined();
    expect(preview.when).toEqual({ expression: sfPost.definition.when, inputs: { activity: 'mention' }, result: true, passed: true });
    expect(preview.trace.map((t) => `${t.kind}:${t.field}`)).toEqual([
      ...Object.keys(sfPost.definition.fields).map((f) => `field:${f}`), ...Object.keys(sfPost.definition.references).map((r) => `reference:${r}`),
    ]);
    expect(preview.operations).toEqual((await planOperations([sfPost], mention, new Map([['salesforce', catalog]]))).operations);

    const entry = (field: string) => preview.trace.find((t) => t.field === field)!;
    expect(entry('Posted')).toEqual({ field: 'Posted', kind: 'field', expression: 'occurredAt', fast: true, inputs: { occurredAt: '2018-11-21T00:13:13.153Z' }, result: '2018-11-21T00:13:13.153Z', value: '2018-11-21T00:13:13.153Z', coercion: 'string→datetime' });
    expect(entry('Provider')).toEqual({ field: 'Provider', kind: 'field', expression: '"Twitter"', fast: true, inputs: {}, result: 'Twitter', value: 'Twitter' });
    expect(entry('IsOutbound')).toMatchObject({ fast: true, inputs: { direction: 'inbound' }, result: false, value: false });
    expect(entry('Name')).toMatchObject({ fast: true, inputs: { 'author.handle': 'medenhofer', activity: 'mention' } });
    expect(entry('Name').value).toBe(preview.operations[0]!.fields.Name);
    // Absent from the event (a reply to a user, not to a tweet): read, found nothing, so no reference.
    expect(entry('ReplyToId')).toEqual({ field: 'ReplyToId', kind: 'reference', expression: 'inReplyTo.networkId', fast: true, inputs: { 'inReplyTo.networkId': undefined }, result: undefined });
    expect(entry('PersonaId')).toEqual({
      field: 'PersonaId', kind: 'reference', expression: 'author.key', fast: true, inputs: { 'author.key': 'x:219826253' }, result: 'x:219826253',
      value: { field: 'PersonaId', object: 'SocialPersona', key: 'x:219826253', bind: 'later' },
    });
  });

  it('a mapping whose when is false writes nothing but still traces its fields; one of another kind or network: only why', async () => {
    const dm = xEvent('docs-dm-message-create.json', 'interaction');
    const preview = await previewMapping(mapping('sf-x-post'), dm, catalog);
    expect(preview).toMatchObject({
      mappingId: 'sf-x-post', matched: false, skipped: 'when false', operations: [], problems: [],
      when: { expression: mapping('sf-x-post').definition.when, inputs: { activity: 'message' }, result: false, passed: false },
    });
    const m = mapping('sf-x-post');
    expect(preview.trace.map((t) => t.field)).toEqual([...m.fields.map((f) => f.name), ...m.references.map((r) => r.name)]);
    expect(preview.trace.find((t) => t.field === 'ExternalPostId')).toMatchObject({ result: (dm.data as { networkId: string }).networkId });
    expect(await previewMapping(mapping('sf-x-persona'), dm, catalog)).toEqual({ mappingId: 'sf-x-persona', matched: false, skipped: 'other kind: it takes identity events', operations: [], problems: [], trace: [] });
    const facebookOnly = parseMapping('id: p\nsource: { kind: interaction, network: facebook }\ntarget: { destination: salesforce, object: SocialPost, operation: create }\nfields: { Name: text }', 'p.yaml');
    expect((await previewMapping(facebookOnly, dm)).skipped).toBe('other network: it takes facebook events');
    // A when that fails is a problem (a dead letter at planning), not a silent skip.
    const failing = parseMapping('id: p\nsource: { kind: interaction }\nwhen: $number(text) > 1\ntarget: { destination: salesforce, object: Case, operation: create }\nfields: { Subject: text }', 'p.yaml');
    const failed = await previewMapping(failing, dm);
    expect(failed).toMatchObject({ matched: false, skipped: expect.stringMatching(/^when failed: /), when: { expression: '$number(text) > 1', passed: false }, trace: [] });
    expect(failed.problems.map((p) => p.key)).toEqual(['when']);
  });

  it('a field that cannot be written: its problem in the trace and in problems, and no operation', async () => {
    const m = parseMapping(`
id: p
source: { kind: interaction }
target: { destination: salesforce, object: SocialPost, operation: upsert, matchKey: ExternalPostId }
fields:
  ExternalPostId: networkId
  Name: { expr: text, tooLong: truncate }
  Posted: occurredAt
  MessageType: { expr: activity, map: { post: Post, reply: Reply } }
  Provider: { value: Twitter }
`, 'p.yaml');
    const preview = await previewMapping(m, mention, catalog);
    expect(preview.operations).toEqual([]);
    const problem = '"mention" is not in the map of MessageType (post, reply): add it, or give mapDefault';
    expect(preview.problems).toEqual([{ mappingId: 'p', eventId: mention.id, key: 'fields.MessageType.map', problem }]);
    expect(preview.trace.find((t) => t.field === 'MessageType')).toEqual({ field: 'MessageType', kind: 'field', expression: 'activity', fast: true, inputs: { activity: 'mention' }, result: 'mention', problem });
    expect(preview.trace.find((t) => t.field === 'Provider')).toMatchObject({ expression: '"Twitter"', fast: true, value: 'Twitter' });
    // The mention's text is longer than Name's 255 characters.
    expect(preview.trace.find((t) => t.field === 'Name')).toMatchObject({ coercion: 'truncated to 255' });
  });
});
