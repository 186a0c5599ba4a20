import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCatalogObject } from '../connectors/salesforce/catalog.ts';
import { buildDescribes } from '../connectors/salesforce/sandbox/describes.ts';
import { parseDelivery } from '../connectors/x/parse/index.ts';
import type { ObjectCatalog } from '../src/connectors/index.ts';
import { isParleyError } from '../src/errors.ts';
import { checkAgainstCatalog } from '../src/mappings/catalog-check.ts';
import { loadMappings, parseMapping } from '../src/mappings/load-mappings.ts';
import { coerce, planOperations, type MappedEvent } from '../src/mappings/plan-operations.ts';

// The shipped mappings (mappings/salesforce/) against the Salesforce catalog as the sandbox
// describes it (the real org's describe output), on events parsed from real X payloads.
const catalog: ObjectCatalog = { objects: [...buildDescribes().values()].map((d) => toCatalogObject(d as never)) };
const catalogs = new Map([['salesforce', catalog]]);
// The Salesforce ones: the SAP C4C mappings are planned against SAP's catalog in test/sap-mappings.test.ts.
const shipped = loadMappings(join(process.cwd(), 'mappings')).filter((m) => m.definition.target.destination === 'salesforce');

const events = (fixture: string): MappedEvent[] => {
  const body = JSON.parse(readFileSync(join('test', 'fixtures', 'x', fixture), 'utf8')) as unknown;
  return parseDelivery(body, { receivedAt: new Date('2026-11-23T10:00:00Z') }).map((e, i) => ({ id: `${fixture}#${i}`, source: 'x', data: e.data }));
};
const plan = async (fixture: string) => {
  const all = await Promise.all(events(fixture).map((e) => planOperations(shipped, e, catalogs)));
  return { operations: all.flatMap((r) => r.operations), problems: all.flatMap((r) => r.problems) };
};

const base = 'id: example\nsource: { kind: interaction }\ntarget: { destination: salesforce, object: SocialPost, operation: upsert, matchKey: ExternalPostId }\nfields:\n  ExternalPostId: networkId\n  Name: networkId\n  Posted: occurredAt\n';

describe('shipped Salesforce mappings', () => {
  it('load, compile and fit the Salesforce catalog', () => {
    expect(shipped.map((m) => m.definition.id).sort()).toEqual(['sf-escalate-case', 'sf-escalate-dm-case', 'sf-social-direct-message', 'sf-social-persona', 'sf-social-post', 'sf-social-post-delete', 'sf-x-direct-message', 'sf-x-follow', 'sf-x-persona', 'sf-x-persona-update', 'sf-x-post', 'sf-x-post-delete']);
    for (const mapping of shipped) expect(checkAgainstCatalog(mapping, catalog), mapping.definition.id).toEqual([]);
  });

  it('a truncated mention (a reply to a user, not to a tweet): SocialPost with the full text, the tweet id unchanged, and a persona for its author', async () => {
    const { operations, problems } = await plan('zammad-tweet-create-truncated-reply-to-user.json');
    expect(problems).toEqual([]);
    const post = operations.find((o) => o.object === 'SocialPost')!;
    expect(post).toMatchObject({ mappingId: 'sf-x-post', operation: 'upsert', matchKey: 'ExternalPostId', matchValue: '1065035365336141825', recordKey: '1065035365336141825' });
    expect(post.fields).toMatchObject({ ExternalPostId: '1065035365336141825', Provider: 'Twitter', Handle: 'medenhofer', MessageType: 'Tweet', IsOutbound: false });
    expect(post.fields.Content).toMatch(/^@znuny Lorem ipsum dolor sit amet/);
    expect((post.fields.Content as string).length).toBeGreaterThan(140);
    expect(post.fields.Posted).toBe('2018-11-21T00:13:13.153Z');
    expect(post.references).toContainEqual({ field: 'PersonaId', object: 'SocialPersona', key: 'x:219826253', bind: 'later' });
    expect(post.references).toContainEqual({ field: 'WhoId', object: 'SocialPersona.parent', key: 'x:219826253', bind: 'later' });
    const persona = operations.find((o) => o.object === 'SocialPersona' && o.fields.ExternalId === '219826253')!;
    expect(persona).toMatchObject({ mappingId: 'sf-x-persona', recordKey: 'x:219826253', fields: { Provider: 'Twitter', Name: '@medenhofer' }, references: [{ field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait' }] });
  });

  it('a direct message: SocialPost of the Direct type with the decoded text', async () => {
    const { operations } = await plan('docs-dm-message-create.json');
    const dm = operations.find((o) => o.mappingId === 'sf-x-direct-message')!;
    expect(dm).toMatchObject({ object: 'SocialPost', matchValue: '954491830116155396', fields: { MessageType: 'Direct', ExternalPostId: '954491830116155396' } });
    expect(operations.filter((o) => o.mappingId === 'sf-x-post')).toEqual([]);
  });

  it('a long tweet full of emoji: Name is cut to 255 UTF-16 units, as Salesforce counts them, never half an emoji', async () => {
    const data = { kind: 'interaction', network: 'x', networkId: '1', activity: 'post', direction: 'inbound', author: { key: 'x:1', userId: '1', handle: 'ada' }, text: '😀'.repeat(200), occurredAt: '2026-01-01T00:00:00.000Z' };
    const { operations, problems } = await planOperations(shipped, { id: 'e', source: 'x', data } as MappedEvent, catalogs);
    expect(problems).toEqual([]);
    const name = operations.find((o) => o.mappingId === 'sf-x-post')!.fields.Name as string;
    expect(name).toBe('@ada: ' + '😀'.repeat(124));
    expect(name.length).toBeLessThanOrEqual(255);
  });

  it('a deleted tweet: delete its SocialPost by ExternalPostId', async () => {
    const { operations } = await plan('docs-tweet-delete.json');
    expect(operations).toEqual([expect.objectContaining({ mappingId: 'sf-x-post-delete', object: 'SocialPost', operation: 'delete', matchValue: '1045405559317569537' })]);
  });

  it('a follow sets IsFollowingUs on the follower\'s persona; a favorite writes nothing but the people in it', async () => {
    const follow = await plan('zammad-follow.json');
    const update = follow.operations.find((o) => o.mappingId === 'sf-x-follow');
    const parsed = events('zammad-follow.json').map((e) => e.data).find((d) => d.kind === 'interaction')!;
    if (parsed.kind === 'interaction' && parsed.direction === 'inbound') {
      expect(update).toMatchObject({ object: 'SocialPersona', operation: 'update', fields: { IsFollowingUs: true, ExternalId: parsed.author!.userId } });
    } else {
      expect(update).toBeUndefined();
    }
    const favorite = await plan('zammad-favorite.json');
    expect(favorite.operations.every((o) => o.mappingId === 'sf-x-persona')).toBe(true);
  });
});

describe('mapping files: errors name the file, the key and the line', () => {
  const refusal = (text: string, expected?: { id: string; destination: string }) => {
    try { parseMapping(text, 'mappings/salesforce/example.yaml', expected); } catch (error) {
      expect(isParleyError(error)).toBe(true);
      return error as { code: string; details: { file: string; issues: Array<{ key: string; problem: string; line?: number }> } };
    }
    throw new Error('no refusal');
  };

  it('a YAML syntax error, with its line', () => {
    expect(refusal(base + '  Content: [unclosed\n').details.issues[0]).toMatchObject({ key: '(file)', line: expect.any(Number) });
  });
  it('an unknown key and a missing match key', () => {
    const error = refusal('id: example\nsource: { kind: interaction }\ntarget: { destination: salesforce, object: SocialPost, operation: update }\nfieldz: {}\n');
    expect(error.code).toBe('PARLEY_MAPPING_INVALID');
    expect(error.details.issues.map((i) => i.key).sort()).toEqual(['fieldz', 'target.matchKey']);
  });
  it('an expression JSONata cannot compile, with its position', () => {
    const issue = refusal(base + '  Content: text &\n').details.issues[0]!;
    expect(issue).toMatchObject({ key: 'fields.Content', line: 8 });
    expect(issue.problem).toContain('cannot compile "text &"');
  });
  it('a file whose name is not its id, or in another destination\'s folder', () => {
    expect(refusal(base, { id: 'other', destination: 'salesforce' }).details.issues).toEqual([expect.objectContaining({ key: 'id', line: 1 })]);
    expect(refusal(base, { id: 'example', destination: 'sap' }).details.issues).toEqual([expect.objectContaining({ key: 'target.destination' })]);
  });
  it('unknown objects and fields, fields not writable, wrong literals and references are found against the catalog', () => {
    const check = (text: string) => checkAgainstCatalog(parseMapping(text, 'x.yaml'), catalog);
    expect(check(base.replace('SocialPost', 'Socialpost'))).toEqual([expect.objectContaining({ key: 'target.object', problem: expect.stringContaining('did you mean "SocialPost"') })]);
    expect(check(base + '  Contnet: text\n  AttachmentType: \'"HOLOGRAM"\'\n  IsOutbound: \'"yes"\'\nreferences:\n  ParentId: { object: SocialPersona, key: author.key }\n')).toEqual([
      { key: 'fields.Contnet', problem: 'SocialPost has no field "Contnet" (did you mean "Content"?)' },
      { key: 'fields.AttachmentType', problem: expect.stringContaining('"HOLOGRAM" is not a value of AttachmentType') },
      { key: 'fields.IsOutbound', problem: expect.stringContaining('the literal "yes" is a string') },
      { key: 'references.ParentId', problem: 'SocialPost.ParentId does not refer to SocialPersona (it refers to Case)' },
    ]);
  });
  it('a create or upsert that leaves out a field the object requires', () => {
    const mapping = parseMapping('id: example\nsource: { kind: identity }\ntarget: { destination: salesforce, object: SocialPersona, operation: upsert, matchKey: ExternalId }\nfields:\n  ExternalId: userId\n', 'x.yaml');
    expect(checkAgainstCatalog(mapping, catalog)).toEqual([{ key: 'fields', problem: 'SocialPersona requires Name, ParentId, Provider on upsert; map them (or reference them)' }]);
  });

  it('two files with the same id', () => {
    let error: unknown;
    try { loadMappings(join('test', 'fixtures', 'mappings-duplicate')); } catch (e) { error = e; }
    expect(error).toMatchObject({ code: 'PARLEY_MAPPING_INVALID', details: { issues: [{ key: 'id', problem: expect.stringContaining('already the id of') }] } });
  });
});

describe('values are coerced to the field type, or the mapping reports a problem', () => {
  const field = (valueType: string, extra: Record<string, unknown> = {}) => ({ name: 'F', label: 'F', vendorType: valueType, valueType, required: false, nillable: true, createable: true, updateable: true, upsertKey: false, ...extra }) as never;
  it('converts what converts', () => {
    expect(coerce('12', field('integer'))).toBe(12);
    expect(coerce('true', field('boolean'))).toBe(true);
    expect(coerce(1_700_000_000_000, field('datetime'))).toBe('2023-11-14T22:13:20.000Z');
    expect(coerce('2026-11-23T10:00:00.000Z', field('date'))).toBe('2026-11-23');
    expect(coerce(42, field('string'))).toBe('42');
  });
  it('refuses what does not', () => {
    expect(() => coerce('many', field('integer'))).toThrow('F takes a value of type integer; got "many"');
    expect(() => coerce(1.5, field('integer'))).toThrow();
    expect(() => coerce({ a: 1 }, field('string'))).toThrow();
    expect(() => coerce('Shout', field('string', { picklist: { values: ['Tweet'], restricted: true } }))).toThrow('"Shout" is not a value of F (Tweet)');
  });
  it('a value that does not fit is a problem of that mapping and event, not a silent drop', async () => {
    const mapping = parseMapping(base + '  CommentCount: text\n', 'x.yaml');
    const event: MappedEvent = { id: 'e1', source: 'x', data: { kind: 'interaction', network: 'x', networkId: '1', activity: 'post', direction: 'inbound', author: { key: 'x:1', userId: '1' }, text: 'not a number', occurredAt: '2026-11-23T10:00:00.000Z' } };
    const result = await planOperations([mapping], event, catalogs);
    expect(result.operations).toEqual([]);
    expect(result.problems).toEqual([{ mappingId: 'example', eventId: 'e1', key: 'fields.CommentCount', problem: 'CommentCount takes a value of type int; got "not a number"' }]);
  });
});

describe('mappings at start-up', () => {
  it('mappings for a destination the config does not have are not loaded: the shipped ones of another CRM do not stop start-up', async () => {
    const { startParley } = await import('./helpers/parley.ts');
    const destinations = { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } };
    const parley = await startParley({ destinations, extra: { mappingsDir: join(process.cwd(), 'mappings') } });
    try {
      const loaded = parley.parley.mappings.map((m) => m.definition.id);
      expect(loaded).toContain('sf-x-post');
      expect(loaded.filter((id) => !id.startsWith('sf-'))).toEqual([]);
    } finally {
      await parley.stop();
    }
  });

  it('a mapping whose field the CRM does not have stops start-up, naming file, mapping and field', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'parley-mappings-'));
    mkdirSync(join(dir, 'salesforce'));
    writeFileSync(join(dir, 'salesforce', 'bad-post.yaml'), base.replace('id: example', 'id: bad-post') + '  Contnet: text\n');
    const { startParley } = await import('./helpers/parley.ts');
    const error = await startParley({
      extra: { mappingsDir: dir }, sandboxes: { salesforce: {} },
      destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
    }).then(async (p) => { await p.stop(); return undefined; }, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'PARLEY_MAPPING_INVALID', details: { file: expect.stringContaining('bad-post.yaml'), issues: [{ key: 'bad-post: fields.Contnet', problem: 'SocialPost has no field "Contnet" (did you mean "Content"?)', line: 8 }] } });
  });

  it('the shipped mappings load with the demo destination', async () => {
    const { startParley } = await import('./helpers/parley.ts');
    const parley = await startParley({
      extra: { mappingsDir: join(process.cwd(), 'mappings') },
      destinations: { salesforce: { connector: 'salesforce', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' } },
    });
    try {
      expect(parley.parley.mappings.map((m) => m.definition.id)).toHaveLength(12);
    } finally {
      await parley.stop();
    }
  });
});
