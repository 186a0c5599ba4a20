import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The dependency direction of STYLE.md is a lint rule; these cases show it bites.
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });
const restricted = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
};

describe('dependency direction', () => {
  it('forbids the core from importing a connector', async () => {
    expect(await restricted('src/intake/example.ts', "import x from '../../connectors/x/index.ts';\nexport default x;\n")).toBe(1);
  });
  it('forbids a connector from importing core internals', async () => {
    expect(await restricted('connectors/x/example.ts', "import type { Store } from '../../src/store/store.ts';\nexport type S = Store;\n")).toBe(1);
    expect(await restricted('connectors/x/example.ts', "import { SDK_VERSION } from '../../src/connectors/sdk-version.ts';\nexport const v = SDK_VERSION;\n")).toBe(1);
  });
  it('lets a connector import the SDK barrel', async () => {
    expect(await restricted('connectors/x/example.ts', "import { defineSource } from '../../src/connectors/index.ts';\nexport const d = defineSource;\n")).toBe(0);
    expect(await restricted('connectors/x/parse/example.ts', "import { defineSource } from '../../../src/connectors/index.ts';\nexport const d = defineSource;\n")).toBe(0);
  });
  it('keeps the store free of the service layers', async () => {
    expect(await restricted('src/store/sqlite/example.ts', "import { buildApp } from '../../server.ts';\nexport const b = buildApp;\n")).toBe(1);
    expect(await restricted('src/store/sqlite/example.ts', "import type { Intake } from '../../intake/intake-service.ts';\nexport type I = Intake;\n")).toBe(1);
    expect(await restricted('src/store/sqlite/example.ts', "import { errors } from '../../errors.ts';\nexport const e = errors;\n")).toBe(0);
  });
});
