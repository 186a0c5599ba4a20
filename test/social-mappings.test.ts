import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import facebook from '../connectors/facebook/index.ts';
import instagram from '../connectors/instagram/index.ts';
import linkedin from '../connectors/linkedin/index.ts';
import { toCatalogObject } from '../connectors/salesforce/catalog.ts';
import { buildDescribes } from '../connectors/salesforce/sandbox/describes.ts';
import { validateRecord } from '../connectors/salesforce/sandbox/validate.ts';
import x from '../connectors/x/index.ts';
import type { Interaction, ObjectCatalog, ParsedEvent, SourceDefinition } from '../src/connectors/index.ts';
import { loadMappings } from '../src/mappings/load-mappings.ts';
import { planOperations, type PlannedOperation } from '../src/mappings/plan-operations.ts';

// The shipped Salesforce mappings on events parsed, by each connector's own `parse`, from real
// Facebook, Messenger, Instagram, LinkedIn and X Activity API payloads (test/fixtures/SOURCES.md),
// planned against the catalog of the sandbox's describes (the real org's describe output).
// `checkAgainstCatalog` of every shipped mapping is in test/mappings.test.ts.
const describes = buildDescribes();
const catalog: ObjectCatalog = { objects: [...describes.values()].map((d) => toCatalogObject(d as never)) };
const catalogs = new Map([['salesforce', catalog]]);
// The Salesforce ones: the SAP C4C mappings are planned against SAP's catalog in test/sap-mappings.test.ts.
const shipped = loadMappings(join(process.cwd(), 'mappings')).filter((m) => m.definition.target.destination === 'salesforce');
const receivedAt = new Date('2026-11-23T10:00:00Z');

/** A fixture's JSON, optionally changed first (a real payload varied for a case it has no sample of). */
function fixture(path: string, change: (body: any) => void = () => {}): unknown {
  const body = JSON.parse(readFileSync(join('test', 'fixtures', path), 'utf8')) as unknown;
  change(body);
  return body;
}

/**
 * Instagram's comment and mention samples are Meta's test notifications (`entry.id: "0"`), which
 * the parser keeps nothing of; a real account id makes them the notification of a real account.
 */
function realAccount(path: string): unknown {
  return JSON.parse(readFileSync(join('test', 'fixtures', path), 'utf8').replace('"id": "0"', '"id": "17841400008460056"'));
}

/**
 * What the sandbox (Salesforce's record-level validation: lengths in UTF-16 units, restricted
 * picklists, writable fields) refuses in an operation's fields, as [statusCode, fields]. Reference
 * fields are bound at dispatch, so their absence is not counted as missing.
 */
function refusals(op: PlannedOperation): Array<[string, string[]]> {
  if (op.operation === 'delete') return [];
  const bound = new Set(op.references.map((r) => r.field));
  const errors = validateRecord(describes.get(op.object)!, op.fields, op.operation === 'update' ? 'update' : 'create', { recordById: () => undefined });
  return errors
    .map((e): [string, string[]] => [e.statusCode, e.statusCode === 'REQUIRED_FIELD_MISSING' ? e.fields.filter((f) => !bound.has(f)) : e.fields])
    .filter(([, fields]) => fields.length > 0);
}

/**
 * Parses `body` with the source's own `parse` (none of these parsers reads its config) and plans
 * every event through the shipped mappings. Every case must plan without problems and with fields
 * Salesforce takes.
 */
async function plan<C>(source: SourceDefinition<C>, body: unknown) {
  const events: ParsedEvent[] = await source.parse(body, { receivedAt, headers: {} });
  const results = await Promise.all(events.map((e, i) => planOperations(shipped, { id: `${source.id}#${i}`, source: source.id, data: e.data }, catalogs)));
  const operations = results.flatMap((r) => r.operations);
  expect(results.flatMap((r) => r.problems)).toEqual([]);
  for (const op of operations) expect(refusals(op), `${op.mappingId} ${op.object}`).toEqual([]);
  const interaction = events.map((e) => e.data).find((d): d is Interaction => d.kind === 'interaction');
  return { events, operations, interaction, byMapping: (mappingId: string) => operations.filter((o) => o.mappingId === mappingId) };
}

const later = (field: string, object: string, key: string) => ({ field, object, key, bind: 'later' });
// `person` (the persona's own identity key, so its parent follows its person) is checked in src/people/parent-changes.test.ts.
const parentOfPersona = expect.objectContaining({ field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait' });

describe('Facebook Page feed → SocialPost', () => {
  it('a comment: a SocialPost of the Comment type keyed by the comment id, linked to the post it answers', async () => {
    const { operations, interaction } = await plan(facebook, fixture('facebook/restfb-feed-comment-add.json'));
    // The sample's comment is the Page's own (from.id = entry.id): outbound, and no persona for the Page.
    expect(interaction!.direction).toBe('outbound');
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({
      mappingId: 'sf-social-post', object: 'SocialPost', operation: 'upsert', matchKey: 'ExternalPostId', matchValue: '901097836652708_903438993085259',
      fields: { ExternalPostId: '901097836652708_903438993085259', Provider: 'Facebook', MessageType: 'Comment', Content: 'and the next one', Name: 'and the next one', Posted: '2015-12-03T09:30:03.000Z', IsOutbound: true },
    });
    expect(operations[0]!.references).toContainEqual(later('ReplyToId', 'SocialPost', '1234567890321_901097836652708'));
  });

  it('a customer\'s reply to a comment: MessageType Reply, ReplyToId the comment, and a persona named by their Facebook name', async () => {
    const { operations, byMapping } = await plan(facebook, fixture('facebook/restfb-feed-comment-add.json', (body) => {
      Object.assign(body.entry[0].changes[0].value, { comment_id: '901097836652708_903438993085999', parent_id: '901097836652708_903438993085259', from: { id: '4242', name: 'Jane Customer' }, message: 'A reply' });
    }));
    const [post] = byMapping('sf-social-post');
    expect(post).toMatchObject({ matchValue: '901097836652708_903438993085999', fields: { MessageType: 'Reply', Content: 'A reply', IsOutbound: false, Provider: 'Facebook' } });
    expect(post!.references).toEqual([
      later('PersonaId', 'SocialPersona', 'facebook:4242'), later('WhoId', 'SocialPersona.parent', 'facebook:4242'),
      later('ReplyToId', 'SocialPost', '901097836652708_903438993085259'),
    ]);
    expect(byMapping('sf-social-persona')).toEqual([expect.objectContaining({
      recordKey: 'facebook:4242', matchValue: '4242', fields: { ExternalId: '4242', Provider: 'Facebook', Name: 'Jane Customer', RealName: 'Jane Customer' }, references: [parentOfPersona],
    })]);
    expect(operations).toHaveLength(2);
  });

  it('the Page\'s post: a SocialPost of the Post type, with no ReplyToId', async () => {
    const { operations } = await plan(facebook, fixture('facebook/restfb-feed-status-add.json'));
    expect(operations).toEqual([expect.objectContaining({
      mappingId: 'sf-social-post', matchValue: '1234567890321_930145403745849',
      fields: expect.objectContaining({ MessageType: 'Post', Provider: 'Facebook', Content: 'This is just a short test message', Posted: '2015-11-27T14:03:58.000Z', IsOutbound: true }),
    })]);
    expect(operations[0]!.references.map((r) => r.field)).not.toContain('ReplyToId');
  });

  it('an edited comment updates the SocialPost of the comment: same ExternalPostId, new Content', async () => {
    const { operations } = await plan(facebook, fixture('facebook/restfb-feed-comment-add.json', (body) => {
      Object.assign(body.entry[0].changes[0].value, { verb: 'edited', message: 'and the next one (edited)' });
    }));
    expect(operations).toEqual([expect.objectContaining({ mappingId: 'sf-social-post', operation: 'upsert', matchValue: '901097836652708_903438993085259', fields: expect.objectContaining({ Content: 'and the next one (edited)' }) })]);
  });

  it('a reaction writes no SocialPost: the Page\'s own writes nothing; a customer\'s writes only their persona', async () => {
    expect((await plan(facebook, fixture('facebook/restfb-feed-reaction-add.json'))).operations).toEqual([]);
    const customer = await plan(facebook, fixture('facebook/restfb-feed-reaction-add.json', (body) => {
      body.entry[0].changes[0].value.from = { id: '4242', name: 'Jane Customer' };
    }));
    expect(customer.operations.map((o) => [o.mappingId, o.object])).toEqual([['sf-social-persona', 'SocialPersona']]);
  });

  it('a removed comment deletes its SocialPost, by the ExternalPostId its comment was written with', async () => {
    const { operations } = await plan(facebook, fixture('facebook/restfb-feed-comment-remove.json'));
    expect(operations).toEqual([expect.objectContaining({ mappingId: 'sf-social-post-delete', object: 'SocialPost', operation: 'delete', matchKey: 'ExternalPostId', matchValue: '905578656204626_905579239537901' })]);
    const removed = await plan(facebook, fixture('facebook/restfb-feed-comment-add.json', (body) => { body.entry[0].changes[0].value.verb = 'remove'; }));
    const added = await plan(facebook, fixture('facebook/restfb-feed-comment-add.json'));
    expect(removed.operations.map((o) => [o.operation, o.matchValue])).toEqual([['delete', added.operations[0]!.matchValue]]);
  });

  it('a long comment with emoji: Name keeps to 255 UTF-16 units (Salesforce counts an emoji as two) without splitting one', async () => {
    const message = 'Love it ' + '😍'.repeat(300);
    const { byMapping } = await plan(facebook, fixture('facebook/restfb-feed-comment-add.json', (body) => { body.entry[0].changes[0].value.message = message; }));
    // 8 units of "Love it ", 123 emoji (246 units); the 124th would end at unit 256.
    expect(byMapping('sf-social-post')[0]!.fields).toMatchObject({ Name: 'Love it ' + '😍'.repeat(123), Content: message });
  });

  it('a Page post past Content\'s 32,000 characters (Facebook allows 63,206) is cut to fit rather than refused', async () => {
    const message = 'x'.repeat(31_999) + '😍' + 'y'.repeat(30_000);
    const { byMapping } = await plan(facebook, fixture('facebook/restfb-feed-status-add.json', (body) => { body.entry[0].changes[0].value.message = message; }));
    expect(byMapping('sf-social-post')[0]!.fields.Content).toBe('x'.repeat(31_999));
  });
});

describe('Instagram → SocialPost and SocialPersona', () => {
  it('a reply to a comment (parent_id is sent only for replies): Provider Instagram, MessageType Reply, ReplyToId the comment', async () => {
    const { byMapping, operations } = await plan(instagram, realAccount('instagram/restfb-comments.json'));
    const [post] = byMapping('sf-social-post');
    expect(post).toMatchObject({
      matchValue: '123456789',
      fields: { ExternalPostId: '123456789', Provider: 'Instagram', MessageType: 'Reply', Content: 'This is an example.', Handle: 'testuser', Name: '@testuser: This is an example.', Posted: '2018-02-23T15:21:47.000Z', IsOutbound: false },
    });
    expect(post!.references).toEqual([
      later('PersonaId', 'SocialPersona', 'instagram:1234536447'), later('WhoId', 'SocialPersona.parent', 'instagram:1234536447'), later('ReplyToId', 'SocialPost', '987654321'),
    ]);
    expect(byMapping('sf-social-persona')).toEqual([expect.objectContaining({
      recordKey: 'instagram:1234536447', matchValue: '1234536447',
      fields: { ExternalId: '1234536447', Provider: 'Instagram', Name: '@testuser', ProfileUrl: 'https://www.instagram.com/testuser/' }, references: [parentOfPersona],
    })]);
    expect(operations).toHaveLength(2);
  });

  it('a comment on the media itself: MessageType Comment, ReplyToId the media', async () => {
    const { byMapping } = await plan(instagram, fixture('instagram/restfb-comments.json', (body) => {
      body.entry[0].id = '17841400008460056';
      delete body.entry[0].changes[0].value.parent_id;
    }));
    expect(byMapping('sf-social-post')[0]).toMatchObject({ fields: { MessageType: 'Comment', Provider: 'Instagram' } });
    expect(byMapping('sf-social-post')[0]!.references).toContainEqual(later('ReplyToId', 'SocialPost', '76543987'));
  });
});

describe('Messenger and Instagram direct messages → SocialPost of the Direct type', () => {
  it.each([
    ['messenger/rapidpro-message-text.json', 'ld5jgfQP8TLBX9FFc3AETshZgE6Zn5UjpY3vY00t3A_YYC2AYDM3quxaodTiHj7nK6lI_ds4WFUJlTmM2l5xoA', '2150393045080607', 'hi', '2019-05-29T03:59:23.925Z'],
    ['messenger/restfb-message-escaped-unicode-nlp.json', 'OJNsdcNtKglZvaa3FlPKYy67x9QLy11Ivvc', '987654321432', 'Can we meet in Los Angeles?', '2019-01-08T23:26:35.572Z'],
  ])('%s: Provider Messenger, the text, the sender\'s persona (named by their PSID: Messenger sends no name)', async (path, mid, psid, text, posted) => {
    const { operations, byMapping } = await plan(facebook, fixture(path));
    expect(byMapping('sf-social-direct-message')).toEqual([expect.objectContaining({
      object: 'SocialPost', operation: 'upsert', matchKey: 'ExternalPostId', matchValue: mid,
      fields: { ExternalPostId: mid, Name: `DM ${text}`, Content: text, Posted: posted, Provider: 'Messenger', MessageType: 'Direct', IsOutbound: false },
      references: [later('PersonaId', 'SocialPersona', `messenger:${psid}`), later('WhoId', 'SocialPersona.parent', `messenger:${psid}`)],
    })]);
    expect(byMapping('sf-social-persona')).toEqual([expect.objectContaining({ recordKey: `messenger:${psid}`, fields: { ExternalId: psid, Provider: 'Messenger', Name: psid }, references: [parentOfPersona] })]);
    expect(operations).toHaveLength(2);
  });

  it('text with escaped non-ASCII arrives decoded, and is written as it is', async () => {
    const body = JSON.parse(readFileSync('test/fixtures/messenger/rapidpro-message-text.json', 'utf8').replace('"text":"hi"', '"text":"Caf\\u00e9 \\ud83d\\ude00 \\/ &amp;"')) as unknown;
    const { byMapping } = await plan(facebook, body);
    expect(byMapping('sf-social-direct-message')[0]!.fields).toMatchObject({ Content: 'Café 😀 / &amp;', Name: 'DM Café 😀 / &amp;' });
  });

  it('a long message of emoji: Name is its start in at most 255 UTF-16 units, no emoji split', async () => {
    const text = '😀'.repeat(1000);
    const { byMapping } = await plan(facebook, fixture('messenger/rapidpro-message-text.json', (body) => { body.entry[0].messaging[0].message.text = text; }));
    expect(byMapping('sf-social-direct-message')[0]!.fields).toMatchObject({ Name: 'DM ' + '😀'.repeat(126), Content: text });
  });

  it('the Page\'s own message (an echo) is IsOutbound, and the persona is the customer\'s, not the Page\'s', async () => {
    const { byMapping } = await plan(facebook, fixture('messenger/rapidpro-message-text.json', (body) => {
      const item = body.entry[0].messaging[0];
      [item.sender, item.recipient] = [item.recipient, item.sender];
      item.message.is_echo = true;
    }));
    expect(byMapping('sf-social-direct-message')[0]!.fields).toMatchObject({ MessageType: 'Direct', IsOutbound: true });
    expect(byMapping('sf-social-persona').map((o) => o.recordKey)).toEqual(['messenger:2150393045080607']);
  });

  it('an Instagram message: Provider Instagram, and the sender\'s persona', async () => {
    const { operations, byMapping } = await plan(instagram, fixture('instagram/courier-message-text.json'));
    expect(byMapping('sf-social-direct-message')).toEqual([expect.objectContaining({
      matchValue: 'external_id',
      fields: { ExternalPostId: 'external_id', Name: 'DM Hello World', Content: 'Hello World', Posted: '2016-04-07T01:11:27.970Z', Provider: 'Instagram', MessageType: 'Direct', IsOutbound: false },
    })]);
    expect(byMapping('sf-social-persona')).toEqual([expect.objectContaining({ recordKey: 'instagram:5678', fields: { ExternalId: '5678', Provider: 'Instagram', Name: '5678' } })]);
    expect(operations).toHaveLength(2);
  });
});

describe('LinkedIn → SocialPost and SocialPersona', () => {
  const comment = 'urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)';

  it('a member\'s comment: Provider LinkedIn, ReplyToId the post commented on, the member\'s persona', async () => {
    const { operations, byMapping } = await plan(linkedin, fixture('linkedin/constructed-comment-notification.json'));
    const [post] = byMapping('sf-social-post');
    expect(post).toMatchObject({
      matchValue: comment,
      fields: { ExternalPostId: comment, Provider: 'LinkedIn', MessageType: 'Comment', Content: 'Commenting as Sumit Butola...', Posted: '2023-08-09T09:48:26.310Z', IsOutbound: false },
    });
    expect(post!.references).toEqual([
      later('PersonaId', 'SocialPersona', 'linkedin:urn:li:person:zLqTygBP8S'), later('WhoId', 'SocialPersona.parent', 'linkedin:urn:li:person:zLqTygBP8S'),
      later('ReplyToId', 'SocialPost', 'urn:li:activity:7094637247890620418'),
    ]);
    // LinkedIn notifications carry no name: the persona is named by the member URN.
    expect(byMapping('sf-social-persona')).toEqual([expect.objectContaining({
      recordKey: 'linkedin:urn:li:person:zLqTygBP8S', fields: { ExternalId: 'urn:li:person:zLqTygBP8S', Provider: 'LinkedIn', Name: 'urn:li:person:zLqTygBP8S' }, references: [parentOfPersona],
    })]);
    expect(operations).toHaveLength(2);
  });

  it('an edit upserts, and a deletion deletes, the same SocialPost, whichever URN spelling LinkedIn uses', async () => {
    const edit = await plan(linkedin, fixture('linkedin/constructed-comment-notification.json', (body) => {
      Object.assign(body.notifications[0], { action: 'COMMENT_EDIT' });
      body.notifications[0].decoratedGeneratedActivity.comment.text = 'Edited';
    }));
    expect(edit.byMapping('sf-social-post').map((o) => [o.operation, o.matchValue, o.fields.Content])).toEqual([['upsert', comment, 'Edited']]);
    const deletion = await plan(linkedin, fixture('linkedin/constructed-comment-notification.json', (body) => {
      Object.assign(body.notifications[0], { action: 'COMMENT_DELETE' });
      delete body.notifications[0].decoratedGeneratedActivity;
    }));
    expect(deletion.operations.map((o) => [o.mappingId, o.operation, o.matchValue])).toEqual([['sf-social-post-delete', 'delete', comment]]);
  });
});

describe('X Activity API → SocialPersona updates and SocialPost', () => {
  it('profile.update.bio: an update of Bio alone (never sf-x-persona, which would blank Name)', async () => {
    const { operations } = await plan(x, fixture('x-activity/profile.update.bio.json'));
    expect(operations).toEqual([{
      mappingId: 'sf-x-persona-update', eventId: 'x#0', destination: 'salesforce', object: 'SocialPersona', operation: 'update',
      matchKey: 'ExternalId', matchValue: '1111111111111111111', recordKey: 'x:1111111111111111111',
      fields: { ExternalId: '1111111111111111111', Bio: 'Building with the X API @XDevelopers' }, references: [],
    }]);
  });

  it.each([
    ['profile.update.profile_picture.json', { ExternalPictureURL: 'https://pbs.twimg.com/profile_images/0000000000000000001/example_normal.jpg' }],
    ['profile.update.screenname.json', { RealName: 'Example' }],
    ['profile.update.banner_picture.json', undefined],
    ['profile.update.geo.json', undefined],
    ['profile.update.url.json', undefined],
  ])('%s: the changed field alone, or nothing when SocialPersona has no field for it', async (path, changed) => {
    const { operations } = await plan(x, fixture(`x-activity/${path}`));
    expect(operations.map((o) => [o.mappingId, o.operation, o.fields])).toEqual(changed ? [['sf-x-persona-update', 'update', { ExternalId: '1111111111111111111', ...changed }]] : []);
  });

  it('post.reply.create: a SocialPost of the Reply type via sf-x-post, ReplyToId the post replied to', async () => {
    const { byMapping } = await plan(x, fixture('x-activity/post.reply.create.json'));
    const [post] = byMapping('sf-x-post');
    expect(post).toMatchObject({
      matchValue: '2090000000000000001',
      fields: { ExternalPostId: '2090000000000000001', Provider: 'Twitter', MessageType: 'Reply', Content: '@ExampleUser Great post — thanks for sharing!', Posted: '2026-08-12T18:00:00.000Z', Language: 'en', IsOutbound: false },
    });
    expect(post!.references).toContainEqual(later('ReplyToId', 'SocialPost', '2080761390344937796'));
    expect(post!.references).toContainEqual(later('PersonaId', 'SocialPersona', 'x:2222222222222222222'));
  });
});
