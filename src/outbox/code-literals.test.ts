import { readFileSync, readdirSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The outbox takes every code it writes from the error catalogue (src/errors.ts: `errors.X.code`,
// `deadLetterReasons.X.code`), never from a string literal, so that a code cannot drift from the
// catalogue and docs/errors.md (issue 17, item 3). This keeps literals from creeping back.

const folder = new URL('./', import.meta.url);
const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')).sort();
const CODE = /^PARLEY_[A-Z_]+$/;

/**
 * Each string literal of TypeScript `text` (quoted, or a template's text) that is a `PARLEY_…`
 * code, with its line. Found by TypeScript's own scanner: comments (where a code in backticks is
 * documentation) are not literals.
 */
function codeLiterals(text: string): Array<{ line: number; literal: string }> {
  const file = ts.createSourceFile('checked.ts', text, ts.ScriptTarget.Latest, true);
  const found: Array<{ line: number; literal: string }> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) && CODE.test(node.text.trim())) {
      found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, literal: node.getText(file) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('outbox source files', () => {
  it('are found (the check looks at something)', () => {
    expect(sources).toContain('dispatcher.ts');
    expect(sources).toContain('outcomes.ts');
  });

  it('write no PARLEY_ code as a string literal: they take it from the catalogue', () => {
    const found = sources.flatMap((name) => codeLiterals(readFileSync(new URL(name, folder), 'utf8')).map((l) => `${name}:${l.line} ${l.literal}`));
    expect(found, 'use errors.<NAME>.code from src/errors.ts instead').toEqual([]);
  });
});

describe('the literal check', () => {
  it('finds codes in single quotes, double quotes and backticks, and not in comments or other strings', () => {
    const text = [
      "const a = 'PARLEY_OUTBOX_NO_RESULT';",
      'const b = { code: "PARLEY_MAPPING_INVALID" };',
      'const c = `PARLEY_DESTINATION_CONFIG`;',
      'const d = errors.OUTBOX_NO_RESULT.code; // `PARLEY_OUTBOX_NO_RESULT` in a comment',
      "/** `PARLEY_INSTANCE_ID` */ const e = 'MAPPING_FAILED';",
      "const f = new Set(['PARLEY_DESTINATION_REDIRECTED']);",
    ].join('\n');
    expect(codeLiterals(text)).toEqual([
      { line: 1, literal: "'PARLEY_OUTBOX_NO_RESULT'" },
      { line: 2, literal: '"PARLEY_MAPPING_INVALID"' },
      { line: 3, literal: '`PARLEY_DESTINATION_CONFIG`' },
      { line: 6, literal: "'PARLEY_DESTINATION_REDIRECTED'" },
    ]);
  });
});
