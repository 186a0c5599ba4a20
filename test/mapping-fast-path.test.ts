import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import facebook from '../connectors/facebook/index.ts';
import instagram from '../connectors/instagram/index.ts';
import { parseDelivery } from '../connectors/x/parse/index.ts';
import type { SourceDefinition } from '../src/connectors/index.ts';
import type { CompiledExpression, CompiledMapping } from '../src/mappings/compiled-mapping.ts';
import { exampleEvent } from '../src/mappings/event-fields.ts';
import { loadMappings, parseMapping } from '../src/mappings/load-mappings.ts';

// The fast path (src/mappings/fast-path.ts) promises JSONata's own result for the expressions it
// takes. Checked here on every expression of every shipped mapping, on events parsed from real
// payloads, on the documented example events, and on events that break the model on purpose.

const receivedAt = new Date('2026-11-23T10:00:00Z');
const read = (path: string): unknown => JSON.parse(readFileSync(join('test', 'fixtures', path), 'utf8'));

async function fixtureEvents(): Promise<unknown[]> {
  const x = readdirSync(join('test', 'fixtures', 'x')).flatMap((f) => parseDelivery(read(`x/${f}`), { receivedAt }).map((e) => e.data));
  const parse = async <C>(source: SourceDefinition<C>, folder: string) => {
    const files = readdirSync(join('test', 'fixtures', folder));
    return (await Promise.all(files.map((f) => source.parse(read(`${folder}/${f}`), { receivedAt, headers: {} })))).flat().map((e) => e.data);
  };
  return [...x, ...(await parse(facebook, 'facebook')), ...(await parse(instagram, 'instagram')), exampleEvent('interaction'), exampleEvent('identity'), exampleEvent('erasure')];
}

function expressionsOf(mapping: CompiledMapping): CompiledExpression[] {
  return [
    ...(mapping.when ? [mapping.when] : []), ...(mapping.recordKey ? [mapping.recordKey] : []), ...mapping.fields.map((f) => f.expression),
    ...mapping.references.flatMap((r) => [...(r.key ? [r.key] : []), ...r.match.map((m) => m.value), ...(r.person ? [r.person] : [])]),
  ];
}

const shipped = loadMappings(join(process.cwd(), 'mappings'));

const probe = (expression: string, kind = 'interaction') => parseMapping(`
id: probe
source: { kind: ${kind} }
target: { destination: crm, object: Thing, operation: create }
fields:
  Value: ${JSON.stringify(expression)}
`, 'probe.yaml').fields[0]!.expression;

describe('the fast path', () => {
  it('takes plain paths and literals, and leaves to JSONata paths through lists, open fields, filters and everything else', () => {
    for (const e of ['text', 'author.handle', 'inReplyTo.networkId', 'subject.author.key', 'author', '"Twitter"', 'true', '42', '-1.5', 'null', '`text`']) expect(probe(e).fast, e).toBe(true);
    for (const e of ['mentions.handle', 'hashtags', 'attachments.url', 'author.handle & "!"', '$', 'text[0]', 'author.handle ? 1 : 2', '$substring(text, 0, 3)', '"a" & "b"', '[1]', '{"a": 1}']) {
      expect(probe(e).fast, e).toBe(false);
    }
  });

  it('serves most of the shipped mappings\' fields', () => {
    const fields = shipped.flatMap((m) => m.fields);
    const fast = fields.filter((f) => f.expression.fast);
    // 2026-12: 64 of 94; a shipped field leaving the fast path should be a choice.
    expect(fast.length / fields.length).toBeGreaterThan(0.6);
  });

  it('gives what JSONata gives, for every expression of every shipped mapping, on every fixture event', async () => {
    const events = await fixtureEvents();
    expect(events.length).toBeGreaterThan(20);
    let compared = 0;
    for (const mapping of shipped) {
      for (const expression of expressionsOf(mapping).filter((e) => e.fast)) {
        const reference = jsonata(expression.source);
        for (const data of events) {
          expect(await expression.evaluate(data), `${mapping.definition.id}: ${expression.source}`).toEqual(await reference.evaluate(data));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('gives what JSONata gives on events that break the model: a list, a scalar or null where an object is, a missing parent', async () => {
    const cases: Array<[string, unknown]> = [
      ['author.handle', { author: [{ handle: 'a' }, { handle: 'b' }] }],
      ['author.handle', { author: [{ handle: 'a' }] }],
      ['author.handle', { author: 'ada' }],
      ['author.handle', { author: null }],
      ['author.handle', { author: { handle: ['a'] } }],
      ['author.handle', { author: { handle: { first: 'a' } } }],
      ['author.handle', {}],
      ['text', { text: ['one'] }],
      ['text', { text: null }],
      ['text', [{ text: 'a' }, { text: 'b' }]],
      ['text', 'a string'],
      ['text', undefined],
    ];
    for (const [source, data] of cases) {
      const expression = probe(source);
      expect(expression.fast).toBe(true);
      expect(await expression.evaluate(data), `${source} on ${JSON.stringify(data)}`).toEqual(await jsonata(source).evaluate(data));
    }
  });
});
