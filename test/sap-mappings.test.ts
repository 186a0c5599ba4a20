import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveCatalog, shippedMetadata } from '../connectors/sap-c4c/metadata/catalog.ts';
import facebook from '../connectors/facebook/index.ts';
import { parseDelivery } from '../connectors/x/parse/index.ts';
import { checkAgainstCatalog } from '../src/mappings/catalog-check.ts';
import { loadMappings } from '../src/mappings/load-mappings.ts';
import { planOperations, type MappedEvent } from '../src/mappings/plan-operations.ts';

// The shipped SAP C4C mappings (mappings/sap-c4c/), planned against the catalog derived from the
// real c4codataapi $metadata, on events parsed from real X and Facebook payloads and on canonical
// events for the cases no sample has. What C4C makes of them (tickets, threads) is in test/sap-c4c.test.ts.
const catalog = deriveCatalog(shippedMetadata().model);
const catalogs = new Map([['sap-c4c', catalog]]);
const shipped = loadMappings(join(process.cwd(), 'mappings')).filter((m) => m.definition.target.destination === 'sap-c4c');
const INFO = 'SocialMediaUserProfileUserInformation';

const xEvents = (fixture: string): MappedEvent[] => {
  const body = JSON.parse(readFileSync(join('test', 'fixtures', 'x', fixture), 'utf8')) as unknown;
  return parseDelivery(body, { receivedAt: new Date('2026-11-23T10:00:00Z') }).map((e, i) => ({ id: `${fixture}#${i}`, source: 'x', data: e.data }));
};

async function plan(events: MappedEvent[]) {
  const results = await Promise.all(events.map((e) => planOperations(shipped, e, catalogs)));
  expect(results.flatMap((r) => r.problems)).toEqual([]);
  const operations = results.flatMap((r) => r.operations);
  return { operations, byMapping: (id: string) => operations.filter((o) => o.mappingId === id) };
}

const interaction = (data: Record<string, unknown>): MappedEvent => ({
  id: 'e1', source: 'x',
  data: { kind: 'interaction', network: 'x', networkId: '100', activity: 'post', direction: 'inbound', author: { key: 'x:7', userId: '7', handle: 'ada' }, text: 'hello', occurredAt: '2026-11-23T10:00:00.000Z', ...data } as never,
});

describe('shipped SAP C4C mappings', () => {
  it('load, compile and fit the catalog of the real $metadata', () => {
    expect(shipped.map((m) => m.definition.id).sort()).toEqual(['sap-escalate-ticket', 'sap-social-activity', 'sap-social-activity-delete', 'sap-social-profile', 'sap-social-profile-delete', 'sap-social-profile-update']);
    for (const mapping of shipped) expect(checkAgainstCatalog(mapping, catalog), mapping.definition.id).toEqual([]);
  });

  it('an X mention: a social media activity keyed by the tweet id, and the author\'s profile keyed by their user id in its channel identity', async () => {
    const { byMapping } = await plan(xEvents('zammad-tweet-create-truncated-reply-to-user.json'));
    const [activity] = byMapping('sap-social-activity');
    expect(activity).toMatchObject({
      object: 'SocialMediaActivity', operation: 'upsert', matchKey: 'SocialMediaMessageID', matchValue: '1065035365336141825',
      fields: { SocialMediaMessageID: '1065035365336141825', SocialMediaChannelCode: '002', CategoryCode: '001', InitiatorCode: '2', PrivateSocialMediaMessageIndicator: false },
    });
    expect(activity!.fields.Text).toMatch(/^@znuny /);
    expect(activity!.references).toContainEqual({ field: 'SocialMediaUserProfileUUID', object: 'SocialMediaUserProfile', key: 'x:219826253', bind: 'wait' });
    expect(byMapping('sap-social-profile')).toEqual([expect.objectContaining({
      object: 'SocialMediaUserProfile', operation: 'upsert', matchKey: `${INFO}/SocialMediaUserAccountID`, matchValue: '219826253', recordKey: 'x:219826253',
      fields: expect.objectContaining({ SocialMediaUserCategoryCode: '02', [`${INFO}/SocialMediaChannelCode`]: '002', [`${INFO}/SocialMediaUserName`]: 'medenhofer' }),
    })]);
    // X shares no e-mail: no rule can match, so no account link is looked for.
    expect(byMapping('sap-social-profile')[0]!.references).toEqual([]);
  });

  it('a person with an e-mail: the profile\'s account is looked up among individual customers, then contacts', async () => {
    const identity: MappedEvent = { id: 'i', source: 'facebook', data: { kind: 'identity', network: 'facebook', key: 'facebook:9', userId: '9', displayName: 'Jane', email: 'jane@example.com', observedAt: '2026-11-23T10:00:00.000Z' } as never };
    const { byMapping } = await plan([identity]);
    const [profile] = byMapping('sap-social-profile');
    expect(profile!.fields[`${INFO}/EmailURI`]).toBe('jane@example.com');
    expect(profile!.references).toEqual([expect.objectContaining({ field: 'AccountUUID', object: 'IndividualCustomer', match: [{ object: 'IndividualCustomer', field: 'Email', value: 'jane@example.com' }, { object: 'Contact', field: 'Email', value: 'jane@example.com' }] })]);
  });

  it('the brand\'s own tweet (outbound): initiator 1, and no profile for the brand', async () => {
    const { operations } = await plan(xEvents('zammad-tweet-create-mention-photo.json'));
    expect(operations.map((o) => o.mappingId)).toEqual(['sap-social-activity']);
    expect(operations[0]!.fields.InitiatorCode).toBe('1');
  });

  it('a Facebook customer\'s reply to a comment: channel 001, category 003, its parent and its thread\'s root as UUID references', async () => {
    const body = JSON.parse(readFileSync(join('test', 'fixtures', 'facebook', 'restfb-feed-comment-add.json'), 'utf8'));
    Object.assign(body.entry[0].changes[0].value, { comment_id: '901097836652708_903438993085999', parent_id: '901097836652708_903438993085259', from: { id: '4242', name: 'Jane Customer' }, message: 'A reply' });
    const events = (await facebook.parse(body, { receivedAt: new Date('2026-11-23T10:00:00Z'), headers: {} })).map((e, i) => ({ id: `fb#${i}`, source: 'facebook', data: e.data }));
    const { byMapping } = await plan(events);
    const [activity] = byMapping('sap-social-activity');
    expect(activity).toMatchObject({ matchValue: '901097836652708_903438993085999', fields: { SocialMediaChannelCode: '001', CategoryCode: '003', InitiatorCode: '2', Text: 'A reply' } });
    expect(activity!.references).toContainEqual({ field: 'ParentSocialMediaActivityUUID', object: 'SocialMediaActivity', key: '901097836652708_903438993085259', bind: 'wait' });
    expect(byMapping('sap-social-profile')[0]).toMatchObject({ recordKey: 'facebook:4242', fields: { [`${INFO}/SocialMediaUserAccountID`]: '4242', [`${INFO}/GivenName`]: 'Jane Customer' } });
  });

  it('a direct message is a private activity', async () => {
    const { byMapping } = await plan([interaction({ activity: 'message', networkId: 'dm-1', text: 'psst' })]);
    expect(byMapping('sap-social-activity')[0]!.fields).toMatchObject({ PrivateSocialMediaMessageIndicator: true, SocialMediaMessageID: 'dm-1' });
  });

  it('cuts names to C4C\'s lengths in UTF-16 units without splitting an emoji, and keeps a BCP 47 tag\'s two-letter language', async () => {
    const long = '😀'.repeat(30);
    const identity: MappedEvent = { id: 'i', source: 'x', data: { kind: 'identity', network: 'x', key: 'x:7', userId: '7', handle: 'ada', displayName: long, observedAt: '2026-11-23T10:00:00.000Z' } as never };
    const { byMapping } = await plan([identity, interaction({ language: 'en-GB' }), interaction({ networkId: '101', language: 'und' })]);
    expect(byMapping('sap-social-profile')[0]!.fields[`${INFO}/GivenName`]).toBe('😀'.repeat(20));
    expect(byMapping('sap-social-activity').map((o) => o.fields.languageCode)).toEqual(['en', undefined]);
  });

  it('a deleted tweet deletes its activity; a person\'s erasure deletes their profile', async () => {
    const { byMapping } = await plan(xEvents('docs-tweet-delete.json'));
    expect(byMapping('sap-social-activity-delete')).toEqual([expect.objectContaining({ object: 'SocialMediaActivity', operation: 'delete', matchKey: 'SocialMediaMessageID' })]);
    const erasure: MappedEvent = { id: 'u', source: 'x', data: { kind: 'erasure', network: 'x', subject: { type: 'user', userId: '7' }, occurredAt: '2026-11-23T10:00:00.000Z' } as never };
    const { operations } = await plan([erasure]);
    expect(operations).toEqual([expect.objectContaining({ mappingId: 'sap-social-profile-delete', object: 'SocialMediaUserProfile', operation: 'delete', recordKey: 'x:7', matchValue: '7' })]);
  });

  it('escalation sets the priority of the ticket C4C opened, found by the activity\'s message id, only for a negative root post from a big account or a DM about a refund', async () => {
    const big = { key: 'x:7', userId: '7', handle: 'ada', followers: 50_000 };
    const { byMapping } = await plan([
      interaction({ sentiment: -0.8, author: big }), interaction({ networkId: '200', sentiment: 0.4, author: big }), interaction({ networkId: '300', sentiment: -0.9, activity: 'reply', inReplyTo: { networkId: '100' }, author: big }),
      interaction({ networkId: '400', sentiment: -0.8, author: { ...big, followers: 200 } }),
      interaction({ networkId: '500', activity: 'message', text: 'I want to CANCEL my order' }), interaction({ networkId: '600', activity: 'message', text: 'thanks!' }),
    ]);
    expect(byMapping('sap-escalate-ticket').map((o) => o.matchValue)).toEqual(['100', '500']);
    expect(byMapping('sap-escalate-ticket')[0]).toEqual(expect.objectContaining({
      object: 'ServiceRequest', operation: 'update', matchKey: 'SocialMediaActivity/SocialMediaMessageID', matchValue: '100',
      fields: { 'SocialMediaActivity/SocialMediaMessageID': '100', ServicePriorityCode: '2', ProcessingTypeCode: 'SRRQ' },
      // Held until the activity is written: before that, C4C has opened no ticket to find.
      references: [{ field: 'SocialMediaActivity', object: 'SocialMediaActivity', key: '100', bind: 'wait' }],
    }));
  });
});
