import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveCatalog, PARLEY_ENTITY_SETS, shippedMetadata } from './catalog.ts';
import { EdmxReadError, readEdmx } from './edmx-reader.ts';

// The SHA-256 of the real metadata artifact (shared reference, artifacts/sap-c4c/c4codataapi-metadata.xml):
// the shipped copy must be that file, byte for byte (the project never reads ../shared itself).
const ARTIFACT_SHA256 = '3092ef531c513832627b5cc4dfb8edc7413a19be9530c4ceb389781c476a70a2';

describe('the EDMX reader', () => {
  it('reads the shipped metadata as the artifact: namespace, keys, and every property of the five types with its type', () => {
    const { xml, model } = shippedMetadata();
    expect(createHash('sha256').update(xml).digest('hex')).toBe(ARTIFACT_SHA256);
    const artifact = xml;
    expect(model.namespace).toBe('c4codata');
    for (const type of Object.keys(PARLEY_ENTITY_SETS)) {
      const block = new RegExp(`<EntityType Name="${type}">([\\s\\S]*?)</EntityType>`).exec(artifact)![1]!;
      const want = [...block.matchAll(/<Property Name="([^"]+)" Type="([^"]+)"/g)].map((m) => [m[1], m[2]]);
      expect(want.length).toBeGreaterThan(5);
      expect(model.entityTypes.get(type)!.properties.map((p) => [p.name, p.type])).toEqual(want);
      expect(model.entityTypes.get(type)!.keys).toEqual(['ObjectID']);
    }
    expect(model.entitySets.get('SocialMediaActivityCollection')).toMatchObject({ entityType: 'SocialMediaActivity', attributes: { 'sap:deletable': 'true' } });
    expect(model.entityTypes.get('SocialMediaActivity')!.navigations).toContain('SocialMediaActivityToChildSocialMediaActivity');
    expect(model.entityTypes.get('SocialMediaUserProfile')!.navigationTargets.get('SocialMediaUserProfileUserInformation')).toEqual({ type: 'SocialMediaUserProfileUserInformation', multiplicity: '*' });
  });

  it('decodes entity references and refuses a document without a schema', () => {
    const model = readEdmx('<Schema Namespace="n"><EntityType Name="T"><Key><PropertyRef Name="K"/></Key><Property Name="K" Type="Edm.String" sap:label="a &amp; b"/></EntityType></Schema>');
    expect(model.entityTypes.get('T')!.properties[0]!.attributes['sap:label']).toBe('a & b');
    expect(() => readEdmx('<html/>')).toThrow(EdmxReadError);
  });
});

describe('the catalog derived from $metadata', () => {
  const catalog = deriveCatalog(shippedMetadata().model);
  const object = (name: string) => catalog.objects.find((o) => o.name === name)!;
  const field = (o: string, f: string) => object(o).fields.find((x) => x.name === f)!;

  it('has the five objects with the sets\' capabilities', () => {
    expect(catalog.objects.map((o) => o.name)).toEqual(['SocialMediaActivity', 'SocialMediaUserProfile', 'ServiceRequest', 'IndividualCustomer', 'Contact']);
    expect(object('IndividualCustomer')).toMatchObject({ createable: true, updateable: true, deletable: false });
    expect(object('SocialMediaActivity').deletable).toBe(true);
  });

  it('maps Edm types, MaxLength and the SAP creatable/updatable annotations', () => {
    expect(field('SocialMediaActivity', 'SocialMediaMessageID')).toMatchObject({ vendorType: 'Edm.String', valueType: 'string', length: 256, createable: true, updateable: true, nillable: true, upsertKey: false });
    expect(field('SocialMediaActivity', 'PrivateSocialMediaMessageIndicator').valueType).toBe('boolean');
    expect(field('SocialMediaActivity', 'SocialMediaMessageCreationDateTime').valueType).toBe('datetime');
    expect(field('SocialMediaActivity', 'UUID')).toMatchObject({ vendorType: 'Edm.Guid', createable: false, updateable: false });
    expect(field('SocialMediaActivity', 'ObjectID')).toMatchObject({ createable: false, nillable: false, required: false });
    expect(field('SocialMediaActivity', 'SocialMediaActivityProviderName')).toMatchObject({ createable: false, updateable: false });
  });

  it('types the …UUID links as references to the objects they name (object-model.ts)', () => {
    expect(field('SocialMediaActivity', 'ParentSocialMediaActivityUUID')).toMatchObject({ vendorType: 'Edm.Guid', valueType: 'reference', referenceTo: ['SocialMediaActivity'], createable: true });
    expect(field('SocialMediaActivity', 'SocialMediaUserProfileUUID').referenceTo).toEqual(['SocialMediaUserProfile']);
    expect(field('SocialMediaUserProfile', 'AccountUUID').referenceTo).toEqual(['IndividualCustomer', 'Contact']);
    expect(field('SocialMediaActivity', 'UUID').valueType).toBe('string');
  });

  it('offers the profile\'s channel identity as child-node fields Nav/Property, typed from the child entity type', () => {
    const names = object('SocialMediaUserProfile').fields.map((f) => f.name);
    expect(names).toContain('SocialMediaUserProfileUserInformation/SocialMediaUserAccountID');
    expect(names).not.toContain('SocialMediaUserProfileUserInformation/ParentObjectID');
    expect(field('SocialMediaUserProfile', 'SocialMediaUserProfileUserInformation/SocialMediaUserName')).toMatchObject({ valueType: 'string', length: 40, createable: true, updateable: true });
    expect(field('SocialMediaUserProfile', 'SocialMediaUserProfileUserInformation/SocialMediaChannelCodeText')).toMatchObject({ createable: false });
  });

  it('finds a ticket by its root activity\'s message id, a look-up path that is never written', () => {
    expect(field('ServiceRequest', 'SocialMediaActivity/SocialMediaMessageID')).toMatchObject({ createable: false, updateable: false, valueType: 'string' });
  });

  it('refuses a set the metadata lacks', () => {
    expect(() => deriveCatalog(shippedMetadata().model, ['NoSuchCollection'])).toThrow(EdmxReadError);
  });
});
