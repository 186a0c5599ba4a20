import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The dependency direction of STYLE.md is a lint rule (eslint.config.js); these cases show it bites,
// and that it lets through what it should. The files need not exist: ESLint lints the text as if it
// were at that path.
const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root, overrideConfigFile: fileURLToPath(new URL('../eslint.config.js', import.meta.url)) });

async function ruleHits(filePath: string, code: string, ruleId: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === ruleId).length;
}

const importing = (from: string) => `import * as m from '${from}';\nexport const n = Object.keys(m).length;\n`;

// [file, import specifier, forbidden?]
const cases: Array<[string, string, boolean]> = [
  // The core never imports a connector.
  ['src/intake/x.ts', '../../connectors/x/index.ts', true],
  ['src/server.ts', '../connectors/x/index.ts', true],
  ['src/store/sqlite/x.ts', '../../../connectors/x/verify.ts', true],
  ['src/intake/x.ts', '../connectors/index.ts', false], // the SDK lives in src/connectors
  ['src/server.ts', './connectors/registry.ts', false],
  // A connector imports only the SDK barrel and its own files.
  ['connectors/x/y.ts', '../../src/store/store.ts', true],
  ['connectors/x/y.ts', '../../src/connectors/registry.ts', true],
  ['connectors/x/y.ts', '../../src/errors.ts', true],
  ['connectors/x/y.ts', '../other/index.ts', true],
  ['connectors/x/parse/y.ts', '../../../src/intake/intake-service.ts', true],
  ['connectors/x/y.ts', '../../src/connectors/index.ts', false],
  ['connectors/x/parse/y.ts', '../../../src/connectors/index.ts', false],
  ['connectors/x/parse/y.ts', '../verify.ts', false],
  ['connectors/x/y.ts', './verify.ts', false],
  // A vendor family's library (connectors/meta/) is open to that family's connectors only.
  ['connectors/facebook/y.ts', '../meta/verify.ts', false],
  ['connectors/instagram/parse/y.ts', '../../meta/envelope.ts', false],
  ['connectors/facebook/parse/y.ts', '../../../src/connectors/index.ts', false],
  ['connectors/facebook/y.ts', '../x/index.ts', true],
  ['connectors/facebook/parse/y.ts', '../../../src/errors.ts', true],
  ['connectors/x/y.ts', '../meta/verify.ts', true],
  // A connector reaches Parley's public entry points only, never its internals by package name.
  ['connectors/x/y.ts', 'parley/sdk', false],
  ['connectors/x/y.ts', 'parley/dist/src/errors.js', true],
  ['connectors/facebook/y.ts', 'parley', true],
  // An example plugin (examples/<name>/) imports parley/sdk, parley/testing, other packages and its own files.
  ['examples/acme/src/index.ts', 'parley/sdk', false],
  ['examples/acme/test/acme.test.ts', 'parley/testing', false],
  ['examples/acme/src/index.ts', 'zod', false],
  ['examples/acme/src/index.ts', 'node:crypto', false],
  ['examples/acme/src/index.ts', './classify.ts', false],
  ['examples/acme/test/acme.test.ts', '../src/index.ts', false],
  ['examples/acme/src/client/x.ts', '../../package.json', false],
  ['examples/acme/src/index.ts', '../../../src/connectors/index.ts', true],
  ['examples/acme/src/index.ts', '../../../connectors/salesforce/classify.ts', true],
  ['examples/acme/index.ts', '../../src/errors.ts', true],
  ['examples/acme/src/index.ts', '../../other/src/index.ts', true],
  ['examples/acme/src/index.ts', '/work/main/src/connectors/index.ts', true],
  ['examples/acme/src/index.ts', 'parley/src/connectors/registry.ts', true],
  ['examples/acme/src/index.ts', 'parley', true],
  // The model depends on nothing else.
  ['src/model/x.ts', '../store/store.ts', true],
  ['src/model/x.ts', '../connectors/index.ts', true],
  ['src/model/x.ts', './common.ts', false],
  ['src/model/x.ts', '../errors.ts', false],
  // The store depends only on the model and the error catalogue.
  ['src/store/sqlite/x.ts', '../../server.ts', true],
  ['src/store/sqlite/x.ts', '../../intake/intake-service.ts', true],
  ['src/store/x.ts', '../config/schema.ts', true],
  ['src/store/x.ts', '../connectors/index.ts', true],
  ['src/store/sqlite/x.ts', '../../errors.ts', false],
  ['src/store/sqlite/x.ts', '../../model/index.ts', false],
  ['src/store/sqlite/x.ts', '../store.ts', false],
  ['src/store/x.ts', './sqlite/sqlite-store.ts', false],
];

describe('dependency direction (no-restricted-imports)', () => {
  it.each(cases)('%s importing %s: forbidden=%s', async (file, specifier, forbidden) => {
    expect(await ruleHits(file, importing(specifier), 'no-restricted-imports')).toBe(forbidden ? 1 : 0);
  });

  it('applies to type-only imports and re-exports too', async () => {
    expect(await ruleHits('connectors/x/y.ts', "import type { Store } from '../../src/store/store.ts';\nexport type S = Store;\n", 'no-restricted-imports')).toBe(1);
    expect(await ruleHits('src/api/x.ts', "export { default } from '../../connectors/x/index.ts';\n", 'no-restricted-imports')).toBe(1);
  });
});

describe('other rules', () => {
  it('forbids console in src/', async () => {
    expect(await ruleHits('src/intake/x.ts', 'console.log(1);\n', 'no-console')).toBe(1);
  });

  it('forbids explicit any in src/ and connectors/', async () => {
    const code = 'export const n = (v: any) => v;\n';
    expect(await ruleHits('src/intake/x.ts', code, '@typescript-eslint/no-explicit-any')).toBe(1);
    expect(await ruleHits('connectors/x/y.test.ts', code, '@typescript-eslint/no-explicit-any')).toBe(1);
  });
});
