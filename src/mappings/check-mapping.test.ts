import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.ts';
import { checkMappingAgainstCatalog } from './catalog-check.ts';
import { checkMappingText } from './check-mapping.ts';
import { parseMapping } from './load-mappings.ts';
import { catalog, fiveMistakes, good } from './testing/check-examples.ts';

const catalogs = new Map([['salesforce', catalog]]);
const file = 'mappings/salesforce/post.yaml';
const expected = { id: 'post', destination: 'salesforce' };


const place = (p: { line: number; column: number; key: string }) => `${p.line}:${p.column} ${p.key}`;

describe('checkMappingText: every problem of a file in one pass, each where it is and in plain words', () => {
  it('finds the five mistakes of one file at once, each at its line and column', () => {
    const { mapping, problems } = checkMappingText(fiveMistakes, file, { expected, catalogs });
    expect(mapping).toBeUndefined();
    expect(problems).toEqual([
      { file, line: 6, column: 14, mappingId: 'post', key: 'target.operation', message: '"upserrt" is not a valid operation: use one of create, update, upsert, delete, create-only, update-only (did you mean "upsert"?)' },
      { file, line: 10, column: 3, mappingId: 'post', field: 'Contnet', key: 'fields.Contnet', message: 'SocialPost has no field "Contnet" (did you mean "Content"?)', suggestion: 'Content' },
      { file, line: 11, column: 11, mappingId: 'post', field: 'Posted', key: 'fields.Posted', message: '"occuredAt" is not a field of an interaction event (did you mean "occurredAt"?)', path: 'occuredAt', suggestion: 'occurredAt' },
      { file, line: 12, column: 24, mappingId: 'post', field: 'Name', key: 'fields.Name', message: expect.stringMatching(/^the expression "author.handle &" cannot be read: it ends too early .*\(at character 16\)$/) },
      { file, line: 14, column: 24, mappingId: 'post', field: 'PersonaId', key: 'references.PersonaId.object', message: expect.stringMatching(/^salesforce has no object "SocialPersonna" \(did you mean "SocialPersona"\?\)/), suggestion: 'SocialPersona' },
    ]);
  });

  it('without a catalog, finds what needs none', () => {
    expect(checkMappingText(fiveMistakes, file, { expected }).problems.map(place)).toEqual(['6:14 target.operation', '11:11 fields.Posted', '12:24 fields.Name']);
  });

  it('a good file gives its compiled mapping, which can locate its keys', () => {
    const { mapping, problems } = checkMappingText(good, file, { expected, catalogs });
    expect(problems).toEqual([]);
    expect(mapping?.definition.id).toBe('post');
    expect(mapping?.locate('fields.Content')).toEqual({ line: 6, column: 3 });
    expect(mapping?.locate('fields.Posted', { at: 'value' })).toEqual({ line: 7, column: 19 });
    expect(mapping?.lineOf('target')).toBe(3);
  });

  it.each([
    ['a number where text is expected', 'description: 42\n', '1:14 description', '"description" must be text, not a number'],
    ['a misspelled setting', 'fieldz: {}\n', '1:1 fieldz', 'there is no setting "fieldz" at the top of a mapping (did you mean "fields"?)'],
    ['a misspelled setting of a field', '  Name: { expr: text, defualt: "" }\n', '1:23 fields.Name.defualt', 'there is no setting "defualt" under fields.Name (did you mean "default"?)'],
    ['a field that is neither an expression nor settings', '  Name: [text]\n', '1:9 fields.Name', '"Name" must be text or a group of settings (name: value), not a list'],
    ['a bare value for a field', '  IsOutbound: true\n', '1:15 fields.IsOutbound', '"IsOutbound" must be text or a group of settings (name: value), not true (a yes/no value); for a fixed value write { value: true }'],
  ])('%s', (_name, line, at, message) => {
    // The line is added where it belongs: a top-level key before `fields:`, a field's line after it.
    const lines = good.split('\n');
    const index = line.startsWith('  ') ? 5 : 1;
    lines.splice(index, 0, line.trimEnd());
    const problems = checkMappingText(lines.join('\n'), file, { expected, catalogs }).problems;
    expect(problems.map((p) => p.message)).toEqual([message]);
    const [lineNo, rest] = at.split(':') as [string, string];
    expect(place(problems[0]!)).toBe(`${index + Number(lineNo)}:${rest}`);
  });

  it('an unknown target object, a field the operation cannot write, a literal of the wrong type, a required field left out', () => {
    const wrongObject = checkMappingText(good.replace('object: SocialPost', 'object: SocialPots'), file, { catalogs }).problems;
    expect(wrongObject).toEqual([expect.objectContaining({ line: 3, column: 44, key: 'target.object', message: expect.stringContaining('salesforce has no object "SocialPots" (did you mean "SocialPost"?)') })]);
    const literal = checkMappingText(good.replace('  Content: text', '  IsOutbound: \'"yes"\''), file, { catalogs }).problems;
    expect(literal).toEqual([expect.objectContaining({ line: 6, column: 15, field: 'IsOutbound', message: 'IsOutbound is a boolean field; the literal "yes" is a string' })]);
    const readOnly = checkMappingText(good.replace('  Content: text', '  CreatedDate: occurredAt'), file, { catalogs }).problems;
    expect(readOnly).toEqual([expect.objectContaining({ line: 6, column: 3, field: 'CreatedDate', message: 'SocialPost.CreatedDate cannot be written on upsert' })]);
    const persona = 'id: persona\nsource: { kind: identity }\ntarget: { destination: salesforce, object: SocialPersona, operation: upsert, matchKey: ExternalId }\nfields:\n  ExternalId: userId\n';
    expect(checkMappingText(persona, file, { catalogs }).problems).toEqual([expect.objectContaining({ line: 4, column: 1, key: 'fields', message: 'SocialPersona requires Name on upsert; map it (or reference it)' })]);
  });

  it('a YAML syntax error, at its place', () => {
    const { problems } = checkMappingText('id: post\nfields: [unclosed\n', file, { expected });
    expect(problems).toEqual([expect.objectContaining({ key: '(file)', line: 3, mappingId: 'post', message: expect.stringMatching(/^the file is not valid YAML: /) })]);
  });

  it('a file in the wrong place: its name is its id, its folder its destination', () => {
    const { problems } = checkMappingText(good, 'mappings/sap/other.yaml', { expected: { id: 'other', destination: 'sap' } });
    expect(problems.map((p) => `${place(p)}: ${p.message}`)).toEqual([
      '1:5 id: must be the file name without .yaml ("other")',
      '3:24 target.destination: must be the folder\'s name ("sap"): mappings/<destination>/<id>.yaml',
    ]);
  });
});

describe('parseMapping refuses with PARLEY_MAPPING_INVALID, the problems located in details.problems', () => {
  it('keeps details.issues as before, and adds details.problems', () => {
    let error: unknown;
    try { parseMapping(fiveMistakes, file, expected); } catch (e) { error = e; }
    expect(isParleyError(error)).toBe(true);
    const details = (error as { details: { file: string; issues: Array<{ key: string; line?: number }>; problems: unknown[] } }).details;
    expect(details.file).toBe(file);
    expect(details.issues.map((i) => `${i.line ?? '-'} ${i.key}`)).toEqual(['6 target.operation', '11 fields.Posted', '12 fields.Name']);
    expect(details.problems).toEqual(checkMappingText(fiveMistakes, file, { expected }).problems);
  });
});

describe('checkMappingAgainstCatalog: the check made when a destination connects, located the same way', () => {
  it('places each problem of a loaded mapping in its file', () => {
    const mapping = parseMapping(good.replace('  Content: text', '  Contnet: text'), file, expected);
    expect(checkMappingAgainstCatalog(mapping, catalog)).toEqual([
      { file, line: 6, column: 3, mappingId: 'post', field: 'Contnet', key: 'fields.Contnet', message: 'SocialPost has no field "Contnet" (did you mean "Content"?)', suggestion: 'Content' },
    ]);
  });
});

describe('a value wrong for the schema is reported once', () => {
  it('an id that is not lower-case is not also reported as not the file name', () => {
    const { problems } = checkMappingText(good.replace('id: post', 'id: Post'), file, { expected, catalogs });
    expect(problems.map((p) => `${place(p)}: ${p.message}`)).toEqual(['1:5 id: "id" must be lower-case letters, digits and dashes, starting with a letter or digit']);
  });
});
