import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDelivery } from '../connectors/x/parse/index.ts';
import { eventFields, eventSchemas, exampleEvent } from '../src/mappings/event-fields.ts';
import { renderEventsDoc } from '../src/mappings/events-doc.ts';
import { EventKind } from '../src/model/index.ts';

// docs/events.md is what mapping authors write against; it is generated from the zod schemas in
// src/model/ (`npm run events-doc`), as openapi/openapi.json is from the routes.

/** Every dotted path that holds a value in `value`, through lists (`mentions.handle`). */
const valuePaths = (value: unknown, prefix = ''): string[] => {
  if (Array.isArray(value)) return value.flatMap((item) => valuePaths(item, prefix));
  if (value === null || typeof value !== 'object') return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([key, inner]) => valuePaths(inner, prefix ? `${prefix}.${key}` : key));
};

describe('docs/events.md', () => {
  it('matches the zod schemas', () => {
    const committed = readFileSync(new URL('../docs/events.md', import.meta.url), 'utf8');
    expect(committed, 'docs/events.md is stale: run `npm run events-doc` and commit the result').toBe(renderEventsDoc());
  });

  it('describes every field of every kind, and gives every value an example', () => {
    const missing = EventKind.options.flatMap((kind) => eventFields(kind)
      .filter((f) => !f.description || (!f.hasFields && f.example === undefined))
      .map((f) => `${kind}: ${f.path}`));
    expect(missing).toEqual([]);
  });

  it('shows for each kind an example event that the model accepts', () => {
    for (const kind of EventKind.options) {
      expect(eventSchemas[kind].safeParse(exampleEvent(kind)).error, kind).toBeUndefined();
      expect(renderEventsDoc()).toContain(JSON.stringify(exampleEvent(kind), null, 2));
    }
  });

  it('lists every field that events parsed from real X payloads have', () => {
    const dir = join('test', 'fixtures', 'x');
    const undocumented = new Set<string>();
    for (const fixture of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const body = JSON.parse(readFileSync(join(dir, fixture), 'utf8')) as unknown;
      for (const { data } of parseDelivery(body, { receivedAt: new Date('2026-11-23T10:00:00Z') })) {
        const documented = new Set(eventFields(data.kind).map((f) => f.path));
        for (const path of valuePaths(data)) if (!documented.has(path)) undocumented.add(`${data.kind}: ${path} (${fixture})`);
      }
    }
    expect([...undocumented]).toEqual([]);
  });
});
