import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, builtInSources as builtInActiveSources } from '../src/http/openapi-document.ts';

const builtInSources = async () => (await builtInActiveSources()).map((s) => s.definition);

// A source is data to the core: its routes, their documentation and the redaction of its
// signature headers come from its definition, so adding one changes nothing under src/.

/** Every non-test TypeScript file under src/, with comments removed (they may name vendors). */
function coreCode(): Array<{ file: string; code: string }> {
  // The one exception: the SDK's Standard Webhooks scheme, a spec Parley also sends with (crisis
  // alerts), whose header names the `standard` source takes from it rather than the other way round.
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== join('connectors', 'standard-webhooks.ts'));
  return files.map((file) => ({
    file,
    code: readFileSync(join('src', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1'),
  }));
}

describe('sources are data to the core', () => {
  it('no source id, webhook route or signature header of a built-in source is written in src/', async () => {
    const sources = await builtInSources();
    expect(sources.map((s) => s.id).sort()).toEqual(['facebook', 'instagram', 'linkedin', 'standard', 'x']);
    const names = sources.flatMap((s) => [`/webhooks/${s.id}`, s.signatureHeader, ...(s.secretHeaders ?? []), ...(s.keptHeaders ?? [])]);
    const found = coreCode().flatMap(({ file, code }) => names.filter((name) => code.includes(name)).map((name) => `${file}: ${name}`));
    expect(found).toEqual([]);
  });

  it('every built-in source reaches the OpenAPI document from its definition: handshake and delivery routes, described', async () => {
    const document = await buildOpenApiDocument() as { paths: Record<string, Record<string, { summary?: string; description?: string; parameters?: Array<{ name: string }> }>> };
    for (const source of await builtInSources()) {
      const path = document.paths[`/webhooks/${source.id}`];
      expect(path?.post?.summary, source.id).toContain(source.displayName);
      expect(path?.post?.description, source.id).toContain(source.signatureHeader);
      if (source.description) expect(path?.post?.description, source.id).toContain(source.description);
      if (source.handshake) {
        expect(path?.get?.summary, source.id).toContain(source.displayName);
        for (const name of Object.keys(source.handshakeQuery?.shape ?? {})) expect(path?.get?.parameters?.map((p) => p.name), source.id).toContain(name);
      }
    }
  });
});
