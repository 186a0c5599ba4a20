import { describe, expect, it } from 'vitest';
import { childPath, isLookupPath, uuidOf } from './object-model.ts';
import { planChangeSet, splitFields } from './write-requests.ts';

describe('Parley records on C4C business objects', () => {
  it('reads Nav/Property as a child-node field, anything else as a root property', () => {
    expect(childPath('SocialMediaUserProfileUserInformation/SocialMediaUserName')).toEqual({ navigation: 'SocialMediaUserProfileUserInformation', property: 'SocialMediaUserName' });
    for (const name of ['Text', '/Text', 'Nav/', 'A/B/C']) expect(childPath(name), name).toBeUndefined();
  });

  it('writes an ObjectID as the hyphenated UUID C4C\'s …UUID properties take (reference §2, Keys), and leaves anything else', () => {
    expect(uuidOf('00163e03a0701ed28a8644cf8d83ae76')).toBe('00163E03-A070-1ED2-8A86-44CF8D83AE76');
    expect(uuidOf('00163E03-A070-1ED2-8A86-44CF8D83AE76')).toBe('00163E03-A070-1ED2-8A86-44CF8D83AE76');
    expect(uuidOf(null)).toBeNull();
  });

  it('splits a record into the root body (UUID links converted, look-up paths and references left out) and its child nodes', () => {
    const { root, children } = splitFields('SocialMediaActivity', { Text: 'hi', ParentSocialMediaActivityUUID: '00163E03A0701ED28A8644CF8D83AE76', Missing: undefined });
    expect(root).toEqual({ Text: 'hi', ParentSocialMediaActivityUUID: '00163E03-A070-1ED2-8A86-44CF8D83AE76' });
    expect(children.size).toBe(0);
    expect(isLookupPath('ServiceRequest', 'SocialMediaActivity')).toBe(true);
    expect(splitFields('ServiceRequest', { 'SocialMediaActivity/SocialMediaMessageID': 'm', SocialMediaActivity: 'X', ServicePriorityCode: '2' }).root).toEqual({ ServicePriorityCode: '2' });
  });

  it('plans a create as one deep insert, and an update as a root PATCH plus a PATCH of the child row, or a POST of a missing one', () => {
    const sets = { object: 'SocialMediaUserProfile', set: 'SocialMediaUserProfileCollection', children: new Map([['SocialMediaUserProfileUserInformation', 'SocialMediaUserProfileUserInformationCollection']]) };
    const fields = { SocialMediaUserCategoryCode: '02', 'SocialMediaUserProfileUserInformation/SocialMediaUserName': 'ada' };
    const create = planChangeSet(sets, { kind: 'create', fields });
    expect(create.requests.map((r) => [r.method, r.url, JSON.parse(r.body!)])).toEqual([['POST', 'SocialMediaUserProfileCollection', { SocialMediaUserCategoryCode: '02', SocialMediaUserProfileUserInformation: [{ SocialMediaUserName: 'ada' }] }]]);
    const update = planChangeSet(sets, { kind: 'update', recordId: 'P1', fields, childIds: new Map([['SocialMediaUserProfileUserInformation', 'C1']]) });
    expect(update.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["PATCH SocialMediaUserProfileCollection('P1')", "PATCH SocialMediaUserProfileUserInformationCollection('C1')"]);
    const adopt = planChangeSet(sets, { kind: 'update', recordId: 'P1', fields: { 'SocialMediaUserProfileUserInformation/SocialMediaUserName': 'ada' }, childIds: new Map() });
    expect(adopt.requests.map((r) => [r.method, r.url, JSON.parse(r.body!)])).toEqual([['POST', 'SocialMediaUserProfileUserInformationCollection', { SocialMediaUserName: 'ada', ParentObjectID: 'P1' }]]);
    expect(planChangeSet(sets, { kind: 'update', recordId: 'P1', fields: {}, childIds: new Map() }).requests).toEqual([]);
  });
});
