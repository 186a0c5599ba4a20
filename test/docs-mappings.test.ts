import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCatalogObject } from '../connectors/salesforce/catalog.ts';
import { buildDescribes } from '../connectors/salesforce/sandbox/describes.ts';
import type { ObjectCatalog } from '../src/connectors/index.ts';
import { checkAgainstCatalog } from '../src/mappings/catalog-check.ts';
import { eventSchemas } from '../src/mappings/event-fields.ts';
import { parseMapping } from '../src/mappings/load-mappings.ts';
import { planOperations, type MappedEvent } from '../src/mappings/plan-operations.ts';
import { previewMapping } from '../src/mappings/preview.ts';
import type { EventKind } from '../src/model/index.ts';

// Every example in docs/mappings.md runs here, as the doc's "How to read the examples" says: one
// or more ```yaml blocks (whole mappings), then a ```json block with the `event` (canonical data,
// validated against the event model) and what the planner makes of it: `operations` (without
// `mappingId` and `eventId`), `problems` (`key` and `problem`; none when absent), or `preview` (the
// answer of previewMapping as JSON, for one mapping). The catalog is the Salesforce sandbox's
// (the real org's describe output). A doc example that is wrong fails its test.

const catalog: ObjectCatalog = { objects: [...buildDescribes().values()].map((d) => toCatalogObject(d as never)) };
const catalogs = new Map([['salesforce', catalog]]);

interface Example {
  /** The line of the first yaml block, for the test's name. */
  line: number;
  mappings: string[];
  expected: { event: Record<string, unknown>; operations?: unknown[]; problems?: unknown[]; preview?: unknown };
}

/** The doc's examples, in order; a yaml block without its json, or a json block without yaml, is an error. */
function examplesOf(markdown: string): Example[] {
  const examples: Example[] = [];
  let pending: Array<{ line: number; text: string }> = [];
  for (const match of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    if (match[1] === 'yaml') pending.push({ line, text: match[2]! });
    else if (match[1] === 'json') {
      if (pending.length === 0) throw new Error(`docs/mappings.md:${line}: a json block with no yaml mapping before it`);
      examples.push({ line: pending[0]!.line, mappings: pending.map((p) => p.text), expected: JSON.parse(match[2]!) as Example['expected'] });
      pending = [];
    }
  }
  if (pending.length > 0) throw new Error(`docs/mappings.md:${pending[0]!.line}: a yaml mapping with no json result after it`);
  return examples;
}

const examples = examplesOf(readFileSync('docs/mappings.md', 'utf8'));

describe('docs/mappings.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  it.each(examples.map((e) => [`the example at line ${e.line}`, e] as const))('%s gives what the doc says', async (_, example) => {
    const mappings = example.mappings.map((text, i) => {
      try {
        return parseMapping(text, `docs/mappings.md#${example.line}.${i}`);
      } catch (error) {
        // The problems themselves, not only "is invalid".
        throw new Error(`${(error as Error).message}: ${JSON.stringify((error as { details?: unknown }).details)}`);
      }
    });
    for (const m of mappings) expect(checkAgainstCatalog(m, catalog), `${m.definition.id} against the Salesforce catalog`).toEqual([]);
    const kind = example.expected.event.kind as EventKind;
    const data = eventSchemas[kind].parse(example.expected.event);
    const event: MappedEvent = { id: 'example', source: String(data.network ?? 'example'), data: data as MappedEvent['data'] };
    if (example.expected.preview !== undefined) {
      expect(mappings).toHaveLength(1);
      // As the API sends it: JSON, where an absent value is no key.
      expect(JSON.parse(JSON.stringify(await previewMapping(mappings[0]!, event, catalog)))).toEqual(example.expected.preview);
      return;
    }
    const { operations, problems } = await planOperations(mappings, event, catalogs);
    expect(operations.map(({ mappingId: _m, eventId: _e, ...op }) => op)).toEqual(example.expected.operations ?? []);
    expect(problems.map(({ key, problem }) => ({ key, problem }))).toEqual(example.expected.problems ?? []);
  });
});
