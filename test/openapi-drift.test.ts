import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/http/openapi-document.ts';

describe('openapi/openapi.json', () => {
  it('matches the route schemas (run `npm run openapi` after changing a route)', async () => {
    const committed = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
    const built = JSON.parse(JSON.stringify(await buildOpenApiDocument()));
    expect(built, 'openapi/openapi.json is stale: run `npm run openapi`').toEqual(committed);
  });

  it('documents every route with the shared error body', async () => {
    const doc = await buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const path of ['/webhooks/x', '/v1/events', '/v1/events/{id}', '/v1/dead-letters', '/v1/dead-letters/{id}', '/health', '/ready', '/metrics']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(Object.keys(doc.paths['/webhooks/x']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(JSON.stringify(doc.paths['/v1/events']!.get!.responses['401'])).toContain('#/components/schemas/Error');
  });
});
