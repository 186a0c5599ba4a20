import { describe, expect, it } from 'vitest';
import { From, authorOf, phaseOf } from './author.ts';

describe('authorOf', () => {
  it('reads from {id, name}, the id a string or a number', () => {
    expect(authorOf({ from: From.parse({ id: 1234567890321, name: 'Tester' }) })).toEqual({ network: 'facebook', userId: '1234567890321', displayName: 'Tester' });
    expect(authorOf({ from: From.parse({ id: '42' }) })).toEqual({ network: 'facebook', userId: '42', displayName: undefined });
  });

  it('falls back to the pre-2017 sender_id/sender_name, and gives undefined without either', () => {
    expect(authorOf({ sender_id: '42', sender_name: 'Old Style' })).toEqual({ network: 'facebook', userId: '42', displayName: 'Old Style' });
    expect(authorOf({})).toBeUndefined();
  });

  it('drops a name of an unexpected shape rather than the item', () => {
    expect(From.parse({ id: '42', name: { first: 'A' } })).toEqual({ id: '42', name: undefined });
  });
});

describe('phaseOf', () => {
  it('reads add, both edit spellings, remove and delete; other verbs are not modelled', () => {
    expect(['add', 'edit', 'edited', 'remove', 'delete'].map(phaseOf)).toEqual(['add', 'edit', 'edit', 'remove', 'remove']);
    for (const verb of ['hide', 'unhide', 'block', 'unblock', 'mute', 'unmute', 'follow', 'update', '', undefined, null]) expect(phaseOf(verb), String(verb)).toBeUndefined();
  });
});
