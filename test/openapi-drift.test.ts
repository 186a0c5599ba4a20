import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/http/openapi-document.ts';

type Operation = { responses: Record<string, unknown> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

describe('openapi/openapi.json', () => {
  let built: Document;
  beforeAll(async () => {
    // Through JSON, as the file is: drops undefined and functions the way the file has them dropped.
    built = JSON.parse(JSON.stringify(await buildOpenApiDocument())) as Document;
  });

  it('matches the route schemas', () => {
    const committed: unknown = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
    expect(built, 'openapi/openapi.json is stale: run `npm run openapi` and commit the result').toEqual(committed);
  });

  it('documents every route', () => {
    const expected: Record<string, string[]> = {
      '/webhooks/x': ['get', 'post'],
      '/v1/events': ['get'], '/v1/events/{id}': ['get'],
      '/v1/dead-letters': ['get'], '/v1/dead-letters/{id}': ['get'],
      '/health': ['get'], '/ready': ['get'], '/metrics': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(built.paths[path] ?? {}), path).toEqual(expect.arrayContaining(methods));
    }
  });

  it('gives every error response the one Error schema', () => {
    expect(built.components.schemas).toHaveProperty('Error');
    const inline: string[] = [];
    for (const [path, operations] of Object.entries(built.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const schema = (response as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.['application/json']?.schema;
          if (schema?.$ref !== '#/components/schemas/Error') inline.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(inline, 'error responses not using ErrorBody from src/http/error-body.ts').toEqual([]);
  });
});
