import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isParleyError } from '../src/errors.ts';
import { eventPaths } from '../src/mappings/expression-paths.ts';
import { loadMappings, parseMapping } from '../src/mappings/load-mappings.ts';
import { checkModelPaths } from '../src/mappings/model-paths.ts';

// Mapping expressions are checked against the canonical event model at load (ARCHITECTURE.md,
// "Canonical model"). Each file in test/fixtures/mappings-invalid/ names the one issue it must
// raise on its `# expect:` line; each file in mappings-valid/ must load. To add a case, add a file.

const fixtures = (folder: string) => {
  const dir = join('test', 'fixtures', folder);
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((name) => ({ name, file: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
};

const refusal = (text: string, file: string) => {
  try { parseMapping(text, file); } catch (error) {
    expect(isParleyError(error)).toBe(true);
    return error as { code: string; details: { file: string; issues: unknown[] } };
  }
  throw new Error(`${file} loaded, but should have been refused`);
};

describe('mapping paths the event model does not have stop loading, naming file, key, line, path and the nearest real path', () => {
  for (const { name, file, text } of fixtures('mappings-invalid')) {
    it(name, () => {
      const expectLine = /^# expect: (.*)$/m.exec(text);
      if (!expectLine) throw new Error(`${file} has no "# expect:" line`);
      const expected = parse(expectLine[1]!) as Record<string, unknown>;
      const error = refusal(text, file);
      expect(error.code).toBe('PARLEY_MAPPING_INVALID');
      expect(error.details.file).toBe(file);
      expect(error.details.issues).toEqual([{ ...expected, problem: expect.any(String) }]);
    });
  }
});

describe('real paths are not reported', () => {
  for (const { name, file, text } of fixtures('mappings-valid')) {
    it(name, () => {
      expect(() => parseMapping(text, file)).not.toThrow();
    });
  }

  it('the shipped mappings all load', () => {
    expect(loadMappings(join(process.cwd(), 'mappings')).length).toBeGreaterThan(0);
  });

  it('a path in every variant of a union is checked against each: valid in one is valid', () => {
    expect(checkModelPaths(jsonata('subject.appId & subject.networkId & subject.userId & subject.type').ast(), 'erasure')).toEqual([]);
    expect(checkModelPaths(jsonata('subject.appid').ast(), 'erasure')).toEqual([expect.objectContaining({ path: 'subject.appid', suggestion: 'subject.appId' })]);
  });

  it('reports each bad path once per expression', () => {
    expect(checkModelPaths(jsonata('occuredAt ? occuredAt : "none"').ast(), 'interaction')).toEqual([expect.objectContaining({ path: 'occuredAt', suggestion: 'occurredAt' })]);
  });
});

describe('the event paths an expression reads', () => {
  const paths = (expression: string) => eventPaths(jsonata(expression).ast()).map((p) => p.join('.')).sort();
  const cases: Array<[string, string[]]> = [
    ['occuredAt', ['occuredAt']],
    ['author.handle', ['author.handle']],
    ['$.author.key & $$.networkId', ['author.key', 'networkId']],
    ['mentions[handle = "x"].userId', ['mentions.handle', 'mentions.userId']],
    ['mentions[$.handle = $$.author.handle]', ['author.handle', 'mentions', 'mentions.handle']],
    ['mentions[0].userId', ['mentions.userId']],
    ['"occuredAt"', []],
    ['activity in ["follow", "author.key"]', ['activity']],
    ['text ? text : "none"', ['text']],
    ['$substring(author.handle, 0, 5)', ['author.handle']],
    ['author.handle ~> $substring(0, networkId)', ['author.handle', 'networkId']],
    ['($who := author; $who.handle)', ['author']],
    ['$map(mentions, function($m) { $m.handle & handle })', ['handle', 'mentions']],
    ['$lookup($, "occuredAt")', []],
    ['author.*.x', ['author']],
    ['**.handle', []],
    ['author.%.text', ['author']],
    ['mentions@$m.text', ['mentions', 'text']],
    ['mentions^(>handle).userId', ['mentions.handle', 'mentions.userId']],
    ['author{handle: userId}', ['author', 'author.handle', 'author.userId']],
    ['author.{"h": handle}', ['author', 'author.handle']],
    ['text.$uppercase()', ['text']],
    ['(author).handle', ['author']],
    ['-sentiment', ['sentiment']],
    ['[author.key, recipient.key]', ['author.key', 'recipient.key']],
    ['$exists(inReplyTo) and inReplyTo.author.handle != ""', ['inReplyTo', 'inReplyTo.author.handle']],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => expect(paths(expression)).toEqual(expected));
  }
});

describe('the nearest real path', () => {
  const suggestion = (expression: string) => checkModelPaths(jsonata(expression).ast(), 'interaction').map((i) => [i.path, i.suggestion]);
  it('is the closest name at that level, case ignored, or none when nothing is close', () => {
    expect(suggestion('occuredAt')).toEqual([['occuredAt', 'occurredAt']]);
    expect(suggestion('author.UserID')).toEqual([['author.UserID', 'author.userId']]);
    expect(suggestion('mentions.handel')).toEqual([['mentions.handel', 'mentions.handle']]);
    expect(suggestion('Posted')).toEqual([['Posted', undefined]]);
  });
});
