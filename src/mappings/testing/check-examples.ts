import type { CatalogField, ObjectCatalog } from '../../connectors/destination.ts';

// Mapping texts and a catalog the mapping checks are specified with (check-mapping.test.ts) and
// the CLI's `mappings check` is tested with (src/cli/mappings.test.ts).

const text = (name: string, extra: Partial<CatalogField> = {}): CatalogField => ({
  name, label: name, vendorType: 'string', valueType: 'string', required: false, nillable: true, createable: true, updateable: true, upsertKey: false, ...extra,
});
/** A small catalog, shaped as the Salesforce sandbox describes these objects. */
export const catalog: ObjectCatalog = {
  objects: [
    {
      name: 'SocialPost', label: 'Social Post', createable: true, updateable: true, deletable: true,
      fields: [
        text('ExternalPostId', { upsertKey: true }), text('Name', { length: 255 }), text('Content'),
        text('Posted', { vendorType: 'datetime', valueType: 'datetime' }),
        text('IsOutbound', { vendorType: 'boolean', valueType: 'boolean' }),
        text('CreatedDate', { vendorType: 'datetime', valueType: 'datetime', createable: false, updateable: false }),
        text('PersonaId', { vendorType: 'reference', valueType: 'reference', referenceTo: ['SocialPersona'] }),
      ],
    },
    { name: 'SocialPersona', label: 'Social Persona', createable: true, updateable: true, deletable: true, fields: [text('ExternalId', { upsertKey: true }), text('Name', { required: true })] },
  ],
};

/** One file with five mistakes: a wrong value, a misspelled field, a misspelled event path, a broken expression, an unknown object. */
export const fiveMistakes = [
  'id: post',
  'source: { kind: interaction }',
  'target:',
  '  destination: salesforce',
  '  object: SocialPost',
  '  operation: upserrt',
  '  matchKey: ExternalPostId',
  'fields:',
  '  ExternalPostId: networkId',
  '  Contnet: text',
  '  Posted: occuredAt',
  '  Name: author.handle &',
  'references:',
  '  PersonaId: { object: SocialPersonna, key: author.key }',
  '',
].join('\n');

/** A file with no mistake. */
export const good = [
  'id: post',
  'source: { kind: interaction }',
  'target: { destination: salesforce, object: SocialPost, operation: upsert, matchKey: ExternalPostId }',
  'fields:',
  '  ExternalPostId: networkId',
  '  Content: text',
  '  Posted: { expr: occurredAt }',
  'references:',
  '  PersonaId: { object: SocialPersona, key: author.key }',
  '',
].join('\n');

