import { EventKind } from '../model/index.ts';
import { descriptionOf, eventFields, eventSchemas, exampleEvent, type EventField } from './event-fields.ts';

/**
 * docs/events.md, the canonical event model for mapping authors, rendered from the zod schemas
 * (descriptions and examples from their `.describe()`/`.meta()`). `npm run events-doc` writes it;
 * test/events-doc.test.ts fails when the committed file and the schemas disagree.
 *
 * @example writeFileSync('docs/events.md', renderEventsDoc());
 */
export function renderEventsDoc(): string {
  return [
    '# Canonical events',
    '',
    '<!-- Generated from the zod schemas in src/model/ by `npm run events-doc`: edit their descriptions, not this file. -->',
    '',
    'A mapping\'s expressions (JSONata, see the README\'s "Mappings") read one canonical event: the kind its',
    '`source.kind` names. Every path they read is checked against this model when Parley starts: a path the',
    'kind does not have (`occuredAt`, `author.handel`) stops start-up with `PARLEY_MAPPING_INVALID`, naming',
    'the file, the key, its line, the path and the nearest real one.',
    '',
    'A field is **required** when every event of its kind has it (a nested field: whenever its parent is',
    'there). The fields of a list\'s items are read through the list: `mentions.handle` is the handle of each',
    'person mentioned, `mentions[0].handle` the first one\'s. Instants are ISO-8601 UTC strings with',
    'milliseconds; ids are strings, unchanged from the network.',
    '',
    ...EventKind.options.map((kind) => `- [\`${kind}\`](#${kind})`),
    '',
    ...EventKind.options.flatMap(renderKind),
  ].join('\n');
}

function renderKind(kind: EventKind): string[] {
  return [
    `## ${kind}`,
    '',
    descriptionOf(eventSchemas[kind]) ?? '',
    '',
    '| Field | Type | Required | Description | Example |',
    '|---|---|---|---|---|',
    ...eventFields(kind).map((f) => `| ${[`\`${f.path}\``, typeText(f), requiredText(f), f.description ?? '', exampleText(f)].map(cell).join(' | ')} |`),
    '',
    `${/^[aeiou]/.test(kind) ? 'An' : 'A'} ${kind} event with its fields filled in from the examples (a real one has only those its activity brings):`,
    '',
    '```json',
    JSON.stringify(exampleEvent(kind), null, 2),
    '```',
    '',
  ];
}

function typeText(field: EventField): string {
  const values = (field.values ?? []).map((v) => `\`${v}\``);
  if (field.type === 'constant') return `always ${values.join('')}`;
  if (field.type === 'enum') return `one of ${values.join(', ')}`;
  return field.type;
}

/** `yes`/`no`, or for a field under a union, the variants that have it. */
function requiredText(field: EventField): string {
  if (field.required) return 'yes';
  if (!field.variants) return 'no';
  const { on, present, required, all } = field.variants;
  const optional = present.filter((v) => !required.includes(v));
  const absent = all.filter((v) => !present.includes(v));
  if (required.length === 0) return absent.length === 0 ? 'no' : `no; only when \`${on}\` is ${either(present)}`;
  const rest = [optional.length > 0 ? `optional for ${either(optional)}` : '', absent.length > 0 ? `absent for ${either(absent)}` : ''].filter(Boolean);
  return [`when \`${on}\` is ${either(required)}`, ...rest].join('; ');
}

function exampleText(field: EventField): string {
  return field.example === undefined || field.hasFields ? '' : `\`${JSON.stringify(field.example)}\``;
}

function either(values: string[]): string {
  const quoted = values.map((v) => `\`${v}\``);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
}

/** A table cell: a `|` would end it, a line break would end the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
