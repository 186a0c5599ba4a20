import { describe, expect, it } from 'vitest';
import { EntityStore, newObjectId } from './entity-store.ts';

const entity = (text: string) => ({ properties: { Text: text }, children: {}, changedAt: 1 });

describe('the entity store', () => {
  it('undoes a change set that does not commit, or throws, and keeps one that does', () => {
    const store = new EntityStore();
    store.put('S', 'A', entity('before'));
    store.transaction(() => { store.put('S', 'A', entity('changed')); store.put('S', 'B', entity('new')); store.delete('S', 'A'); return { commit: false, value: undefined }; });
    expect(store.list('S').map(([id, e]) => [id, e.properties.Text])).toEqual([['A', 'before']]);
    expect(() => store.transaction(() => { store.put('S', 'C', entity('half')); throw new RangeError('boom'); })).toThrow(RangeError);
    expect(store.get('S', 'C')).toBeUndefined();
    store.transaction(() => { store.put('S', 'B', entity('kept')); return { commit: true, value: undefined }; });
    expect(store.get('S', 'B')?.properties.Text).toBe('kept');
    expect(store.counts().get('S')).toBe(2);
  });

  it('makes 32 upper-case hex ObjectIDs and strictly increasing change times', () => {
    expect(newObjectId()).toMatch(/^00163E[0-9A-F]{26}$/);
    const store = new EntityStore();
    const a = store.changeTime(1000);
    expect(store.changeTime(1000)).toBeGreaterThan(a);
  });
});
