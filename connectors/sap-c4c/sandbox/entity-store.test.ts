import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntityStore, newObjectId } from './entity-store.ts';

const entity = (text: string) => ({ properties: { Text: text }, changedAt: 1 });

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

  it('keeps insertion order when a rollback puts deleted rows back, and an inner change set undoes only its own changes', () => {
    const store = new EntityStore();
    for (const id of ['A', 'B', 'C']) store.put('S', id, entity(id));
    store.transaction(() => {
      store.delete('S', 'A');
      store.put('S', 'D', entity('D'));
      store.delete('S', 'B');
      return { commit: false, value: undefined };
    });
    expect(store.list('S').map(([id]) => id)).toEqual(['A', 'B', 'C']);
    store.transaction(() => {
      store.put('S', 'E', entity('E'));
      expect(() => store.transaction(() => { store.delete('S', 'C'); store.put('S', 'F', entity('F')); throw new RangeError('inner'); })).toThrow(RangeError);
      expect(store.list('S').map(([id]) => id)).toEqual(['A', 'B', 'C', 'E']);
      return { commit: false, value: undefined };
    });
    expect(store.list('S').map(([id]) => id)).toEqual(['A', 'B', 'C']);
  });

  it('keeps that order in its file after a rollback', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sap-c4c-store-'));
    try {
      const file = join(dir, 'store.json');
      const store = new EntityStore({ file });
      for (const id of ['A', 'B']) store.put('S', id, entity(id));
      store.transaction(() => { store.delete('S', 'A'); return { commit: false, value: undefined }; });
      store.put('S', 'C', entity('C')); // journaled after the rollback's snapshot
      expect(new EntityStore({ file }).list('S').map(([id]) => id)).toEqual(['A', 'B', 'C']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the readable ID sequence across a restart, and reads a data file and journal from before the kit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sap-c4c-store-'));
    try {
      const file = join(dir, 'store.json');
      const store = new EntityStore({ file });
      const id = store.nextReadableId();
      store.transaction(() => { store.put('S', 'A', { properties: { ID: id }, changedAt: 1 }); return { commit: true, value: undefined }; });
      store.nextReadableId(); // taken, but no committed change carries it: a restart may hand it out again
      store.transaction(() => { store.put('S', 'B', entity('B')); return { commit: false, value: undefined }; });
      const restarted = new EntityStore({ file });
      expect([id, restarted.nextReadableId(), restarted.list('S').map(([key]) => key)]).toEqual(['5000', '5001', ['A']]);

      writeFileSync(file, JSON.stringify({ nextId: 5003, sets: { S: { A: entity('A') } } }));
      writeFileSync(`${file}.journal`, JSON.stringify({ set: 'S', id: 'B', entity: { properties: { ID: '7000' }, changedAt: 2 } }) + '\n');
      const legacy = new EntityStore({ file });
      expect([legacy.list('S').map(([key]) => key), legacy.nextReadableId()]).toEqual([['A', 'B'], '7001']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes 32 upper-case hex ObjectIDs and strictly increasing change times', () => {
    expect(newObjectId()).toMatch(/^00163E[0-9A-F]{26}$/);
    const store = new EntityStore();
    const a = store.changeTime(1000);
    expect(store.changeTime(1000)).toBeGreaterThan(a);
  });
});
