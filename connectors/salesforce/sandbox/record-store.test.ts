import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordStore } from './record-store.ts';

describe('RecordStore', () => {
  it('keeps records, deletions and the id counter in its file across a restart', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sf-store-')), 'org.json');
    const first = new RecordStore({ file });
    first.nextCounter();
    first.put('Contact', { Id: '003SB0000000001AAA', LastName: 'A' });
    first.put('Contact', { Id: '003SB0000000002AAA', LastName: 'B' });
    first.remove('Contact', '003SB0000000002AAA');
    first.flush();
    const second = new RecordStore({ file });
    expect(second.byId('003SB0000000001AAA')).toEqual({ object: 'Contact', record: { Id: '003SB0000000001AAA', LastName: 'A' } });
    expect(second.byId('003SB0000000002AAA')).toBeUndefined();
    expect(second.wasDeleted('003SB0000000002')).toBe(true);
    expect([...second.deleted('Contact')]).toEqual([{ Id: '003SB0000000002AAA', LastName: 'B', IsDeleted: true }]);
    expect(second.nextCounter()).toBe(2);
    expect(second.counts()).toEqual({ Contact: 1 });
  });

  it('finds a record by its 15- or 18-character id', () => {
    const store = new RecordStore();
    store.put('Lead', { Id: '00QSB0000000001AAA' });
    expect(store.byId('00QSB0000000001')?.object).toBe('Lead');
    expect(store.byId('00QSB0000000001AAA')?.object).toBe('Lead');
  });

  it('refuses a file that is not a snapshot it wrote', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sf-store-')), 'org.json');
    writeFileSync(file, JSON.stringify({ hello: 'world' }));
    expect(() => new RecordStore({ file })).toThrow(/not a Salesforce sandbox snapshot/);
    expect(readFileSync(file, 'utf8')).toContain('hello');
  });
});

describe('RecordStore journal', () => {
  it('keeps every answered write through a crash (no flush, no close), and undoes rolled-back ones', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sf-store-')), 'org.json');
    const first = new RecordStore({ file, flushMs: 60_000 });
    first.put('Contact', { Id: '003SB0000000001AAA', LastName: 'Kept' });
    const checkpoint = first.checkpoint();
    first.put('Contact', { Id: '003SB0000000002AAA', LastName: 'Rolled back' });
    first.rollback(checkpoint);
    first.put('Contact', { Id: '003SB0000000003AAA', LastName: 'After' });
    first.remove('Contact', '003SB0000000001AAA');
    // The process dies here: the second store reads what the first left.
    const second = new RecordStore({ file });
    expect(second.counts()).toEqual({ Contact: 1 });
    expect(second.byId('003SB0000000003AAA')?.record.LastName).toBe('After');
    expect(second.byId('003SB0000000002AAA')).toBeUndefined();
    expect(second.wasDeleted('003SB0000000001AAA')).toBe(true);
  });

  it('erases for good (a Bulk API hardDelete): not live, not in the recycle bin, and still so after a crash', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sf-store-')), 'org.json');
    const first = new RecordStore({ file, flushMs: 60_000 });
    first.put('Contact', { Id: '003SB0000000001AAA', LastName: 'Soft' });
    first.put('Contact', { Id: '003SB0000000002AAA', LastName: 'Hard' });
    first.remove('Contact', '003SB0000000001AAA');
    expect(first.erase('Contact', '003SB0000000002AAA')).toMatchObject({ LastName: 'Hard' });
    expect(first.erase('Contact', '003SB0000000009AAA')).toBeUndefined();
    const second = new RecordStore({ file });
    expect(second.byId('003SB0000000002AAA')).toBeUndefined();
    expect([...second.deleted('Contact')].map((r) => r.LastName)).toEqual(['Soft']);
    expect(second.counts()).toEqual({ Contact: 0 });
  });
});
