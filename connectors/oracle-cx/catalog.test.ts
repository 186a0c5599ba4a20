import { describe, expect, it } from 'vitest';
import { catalogObject, deriveCatalog, type DescribeDocument } from './catalog.ts';

// Shaped as ADF's describe (README.md here, "describe"): read-only attributes `updatable:false` and
// `allowChanges:"never"`, create-only `allowChanges:"create"`, lengths as `precision` and a string `maxLength`.
const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, updatable: true, mandatory: false, queryable: true, allowChanges: 'always', title: name, ...extra });
const readOnly = { updatable: false, allowChanges: 'never' };

const socialUsers: DescribeDocument = { Resources: { socialUsers: {
  title: 'Social User', titlePlural: 'Social Users',
  attributes: [
    attribute('UserId', 'integer', readOnly),
    attribute('SocialNetworkCd', 'string', { mandatory: true, precision: 30, maxLength: '30', lov: { childRef: 'x', valueAttribute: 'LookupCode', displayAttribute: 'Meaning' } }),
    attribute('SocialNetworkUserId', 'string', { mandatory: true, precision: 200, maxLength: '200', title: 'Social Network User ID' }),
    attribute('FollowerCount', 'integer'),
    attribute('CreationDate', 'datetime', readOnly),
  ],
} } };

const socialPosts: DescribeDocument = { Resources: { socialPosts: {
  titlePlural: 'Social Posts',
  attributes: [
    attribute('PostId', 'integer', readOnly),
    attribute('SocialUserId', 'integer'),
    attribute('SourcePostIdPrimary', 'string', { precision: 255 }),
    attribute('ParentPostId', 'string', { precision: 255 }),
    attribute('PostDate', 'datetime'),
    attribute('CanRespondFlag', 'boolean'),
    attribute('ObjectId', 'integer', readOnly),
  ],
} } };

const serviceRequests: DescribeDocument = { Resources: { serviceRequests: {
  titlePlural: 'Service Requests',
  attributes: [
    attribute('SrId', 'integer', readOnly),
    attribute('SrNumber', 'string', readOnly),
    attribute('Title', 'string', { mandatory: true, precision: 400 }),
    attribute('SeverityCd', 'string', { precision: 30 }),
    attribute('PrimaryContactPartyId', 'integer'),
    attribute('OpenDate', 'date', { updatable: false, allowChanges: 'create' }),
  ],
  children: { messages: { title: 'Message', attributes: [attribute('MessageId', 'integer', readOnly), attribute('MessageContent', 'string'), attribute('MessageTypeCd', 'string', { precision: 30 })] } },
} } };

const contacts: DescribeDocument = { Resources: { contacts: { titlePlural: 'Contacts', attributes: [attribute('PartyId', 'integer', readOnly), attribute('PartyNumber', 'string', readOnly), attribute('EmailAddress', 'string', { precision: 320 })] } } };

const field = (object: ReturnType<typeof catalogObject>, name: string) => object.fields.find((f) => f.name === name);

describe('the Oracle CX catalog, from describe (reference §1)', () => {
  it('maps ADF types, lengths, mandatory and changeability; the record key is read-only', () => {
    const users = catalogObject('socialUsers', socialUsers);
    // No DELETE on socialUsers in Oracle: a delete (an erasure) empties the row instead, so the object takes deletes.
    expect(users).toMatchObject({ name: 'socialUsers', label: 'Social Users', createable: true, updateable: true, deletable: true });
    expect(field(users, 'SocialNetworkUserId')).toEqual({
      name: 'SocialNetworkUserId', label: 'Social Network User ID', vendorType: 'string', valueType: 'string', length: 200,
      required: true, nillable: false, createable: true, updateable: true, upsertKey: true,
    });
    expect(field(users, 'SocialNetworkCd')).toMatchObject({ length: 30, required: true, upsertKey: false });
    expect(field(users, 'SocialNetworkCd')!.picklist).toBeUndefined();
    expect(field(users, 'FollowerCount')).toMatchObject({ valueType: 'integer', createable: true });
    expect(field(users, 'FollowerCount')!.length).toBeUndefined();
    expect(field(users, 'UserId')).toMatchObject({ createable: false, updateable: false });
    expect(field(users, 'CreationDate')).toMatchObject({ valueType: 'datetime', createable: false, updateable: false });
  });

  it('socialPosts: neither the object nor a field is updateable (no PATCH): posts are written create-only; references and look-up references', () => {
    const posts = catalogObject('socialPosts', socialPosts);
    expect(posts).toMatchObject({ createable: true, updateable: false, deletable: true });
    expect(posts.fields.filter((f) => f.updateable)).toEqual([]);
    expect(field(posts, 'SocialUserId')).toMatchObject({ valueType: 'reference', referenceTo: ['socialUsers'], createable: true });
    expect(field(posts, 'SourcePostIdPrimary')).toMatchObject({ upsertKey: true, length: 255 });
    expect(field(posts, 'CanRespondFlag')).toMatchObject({ valueType: 'boolean' });
    expect(field(posts, 'ParentPost')).toMatchObject({ valueType: 'reference', referenceTo: ['socialPosts'], createable: false, updateable: false });
  });

  it('serviceRequests: create-only attributes, the contact reference, the look-up path and reference', () => {
    const srs = catalogObject('serviceRequests', serviceRequests);
    expect(field(srs, 'OpenDate')).toMatchObject({ valueType: 'date', createable: true, updateable: false });
    expect(field(srs, 'SrNumber')).toMatchObject({ createable: false, updateable: false });
    expect(field(srs, 'Title')).toMatchObject({ required: true, length: 400 });
    expect(field(srs, 'PrimaryContactPartyId')).toMatchObject({ valueType: 'reference', referenceTo: ['contacts'] });
    expect(field(srs, 'socialPost/SourcePostIdPrimary')).toMatchObject({ valueType: 'string', createable: false, updateable: false });
    expect(field(srs, 'socialPost')).toMatchObject({ valueType: 'reference', referenceTo: ['socialPosts'], createable: false, updateable: false });
  });

  it('messages come from serviceRequests\' child, with their SR as a reference', () => {
    const catalog = deriveCatalog(['messages', 'contacts'], new Map([['serviceRequests', serviceRequests], ['contacts', contacts]]));
    const [messages, people] = catalog.objects;
    expect(messages!.name).toBe('messages');
    expect(messages!.fields.map((f) => f.name)).toEqual(['MessageId', 'MessageContent', 'MessageTypeCd', 'SrNumber', 'socialPost/SourcePostIdPrimary', 'socialPost']);
    expect(field(messages!, 'SrNumber')).toMatchObject({ valueType: 'reference', referenceTo: ['serviceRequests'], createable: true });
    expect(people).toMatchObject({ name: 'contacts', createable: false, updateable: false, deletable: false });
    expect(people!.fields.every((f) => !f.createable && !f.updateable)).toBe(true);
  });

  it('refuses a document that does not describe the object', () => {
    expect(() => catalogObject('socialPosts', socialUsers)).toThrow(RangeError);
    expect(() => deriveCatalog(['messages'], new Map())).toThrow(RangeError);
  });
});
