import { describe, expect, it } from 'vitest';
import { isPayloadError } from '../../../src/connectors/index.ts';
import { sample, RECEIVED, parse, BRAND } from './testing/samples.ts';

const observed = { kind: 'identity', network: 'x', userId: BRAND, key: `x:${BRAND}`, partial: true, observedAt: RECEIVED.toISOString() };

/** A profile update as "same before / after payload shape" describes the types without a sample. */
const update = (type: string, before: unknown, after: unknown, eventUuid = '5') =>
  ({ data: { event_uuid: eventUuid, filter: { user_id: BRAND }, event_type: `profile.update.${type}`, payload: { before, after } } });

describe('profile.update.*: an identity event for filter.user_id carrying the new value', () => {
  it.each([
    ['profile.update.bio.json', { bio: 'Building with the X API @XDevelopers' }],
    ['profile.update.profile_picture.json', { avatarUrl: 'https://pbs.twimg.com/profile_images/0000000000000000001/example_normal.jpg' }],
    ['profile.update.screenname.json', { displayName: 'Example' }],
    ['profile.update.geo.json', { location: 'San Francisco, CA' }],
    // No identity field fits a banner or a website link: the change is kept as an observation of the person.
    ['profile.update.banner_picture.json', {}],
    ['profile.update.url.json', {}],
  ])('%s', (name, fields) => {
    const events = parse(sample(name));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({ ...observed, ...fields });
    expect(events[0]!.key).toMatch(new RegExp(`^profile:${BRAND}:${name.split('.')[2]}:[0-9a-f]{32}$`));
  });

  it('the quickstart stream sample (no event_uuid) updates its own filtered user', () => {
    expect(parse(sample('profile.update.bio.quickstart-stream.json'))).toEqual([{
      key: expect.stringMatching(/^profile:2244994945:bio:[0-9a-f]{32}$/),
      data: { kind: 'identity', network: 'x', userId: '2244994945', key: 'x:2244994945', bio: 'Mars, Cars & AI', partial: true, observedAt: RECEIVED.toISOString() },
    }]);
  });

  it('profile.update.handle (no sample): the new @handle and its profile address', () => {
    expect(parse(update('handle', 'OldHandle', 'NewHandle'))[0]!.data).toEqual({ ...observed, handle: 'NewHandle', profileUrl: 'https://x.com/NewHandle' });
    expect(parse(update('handle', 'OldHandle', '@NewHandle'))[0]!.data).toMatchObject({ handle: 'NewHandle' });
  });

  it('profile.update.verified_badge (no sample): verified when the value can be read, else a bare observation', () => {
    for (const [after, verified] of [['true', true], [true, true], ['blue', true], ['business', true], ['false', false], ['none', false], ['', false]] as const) {
      expect(parse(update('verified_badge', 'x', after))[0]!.data, String(after)).toEqual({ ...observed, verified });
    }
    expect(parse(update('verified_badge', 'x', 'gold-ish'))[0]!.data).toEqual(observed);
  });

  it('profile.update.affiliate_badge (no sample): a bare observation', () => {
    expect(parse(update('affiliate_badge', '', 'https://pbs.twimg.com/badge.png'))[0]!.data).toEqual(observed);
  });

  it('keys the change, not the delivery: one change under two event_uuids is one key, two changes two keys', () => {
    const key = (body: unknown) => parse(body)[0]!.key;
    expect(key(update('bio', 'a', 'b', '1'))).toBe(key(update('bio', 'a', 'b', '2')));
    expect(key(update('bio', 'a', 'b'))).not.toBe(key(update('bio', 'c', 'b')));
    expect(key(update('bio', 'a', 'b'))).not.toBe(key(update('geo', 'a', 'b')));
  });

  it('refuses a profile update without filter.user_id (it names no one)', () => {
    let error: unknown;
    try { parse({ data: { event_type: 'profile.update.bio', filter: {}, payload: { before: 'a', after: 'b' } } }); } catch (caught) { error = caught; }
    expect(isPayloadError(error) && error.path).toBe('data.filter.user_id');
  });
});
