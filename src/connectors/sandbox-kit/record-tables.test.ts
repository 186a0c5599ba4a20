import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxTables, type TableChange } from '../index.ts';

type Row = { name: string };
type State = { next: number };
const row = (name: string): Row => ({ name });
const keys = (tables: SandboxTables<Row, State>, table = 'T') => tables.list(table).map(([key]) => key);
const undone = <T>(work: () => void) => (): { commit: boolean; value: T | undefined } => { work(); return { commit: false, value: undefined }; };

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-tables-'));
  dirs.push(dir);
  return join(dir, 'tables.json');
}
const open = (file?: string) => new SandboxTables<Row, State>({ state: { next: 1 }, ...(file ? { file, flushMs: 60_000 } : {}) });

describe('SandboxTables units of work', () => {
  it('undoes a unit that does not commit, or throws, whole, and keeps one that commits', () => {
    const tables = open();
    tables.put('T', 'A', row('before'));
    tables.transaction(undone(() => { tables.put('T', 'A', row('changed')); tables.put('T', 'B', row('new')); tables.delete('T', 'A'); }));
    expect(tables.list('T')).toEqual([['A', row('before')]]);
    expect(() => tables.transaction(() => { tables.put('T', 'C', row('half')); throw new RangeError('boom'); })).toThrow(RangeError);
    expect(tables.get('T', 'C')).toBeUndefined();
    expect(tables.transaction(() => { tables.put('T', 'B', row('kept')); return { commit: true, value: 7 }; })).toBe(7);
    expect(tables.get('T', 'B')).toEqual(row('kept'));
    expect(tables.counts()).toEqual(new Map([['T', 2]]));
  });

  it('gives a table its order back when a rolled-back unit deleted from it, even a row deleted and re-created', () => {
    const tables = open();
    for (const key of ['A', 'B', 'C']) tables.put('T', key, row(key));
    tables.transaction(undone(() => { tables.delete('T', 'A'); tables.put('T', 'D', row('D')); tables.delete('T', 'B'); tables.put('T', 'A', row('again')); }));
    expect(tables.list('T')).toEqual([['A', row('A')], ['B', row('B')], ['C', row('C')]]);
  });

  it('makes a nested unit a savepoint: it undoes only its own writes, and the outer unit can still undo them', () => {
    const tables = open();
    for (const key of ['A', 'B', 'C']) tables.put('T', key, row(key));
    tables.transaction(() => {
      tables.delete('T', 'A');
      tables.put('T', 'A', row('moved to the end'));
      expect(() => tables.transaction(() => { tables.delete('T', 'C'); tables.put('T', 'F', row('F')); throw new RangeError('inner'); })).toThrow(RangeError);
      expect(keys(tables)).toEqual(['B', 'C', 'A']); // the savepoint's start, not the outer unit's
      tables.transaction(() => { tables.put('T', 'E', row('E')); return { commit: true, value: undefined }; });
      expect(keys(tables)).toEqual(['B', 'C', 'A', 'E']);
      return { commit: false, value: undefined };
    });
    expect(keys(tables)).toEqual(['A', 'B', 'C']);
    expect(tables.inTransaction).toBe(false);
  });

  it('tells the vendor every row change, also undos, so it can keep an index', () => {
    const seen: Array<TableChange<Row>> = [];
    const tables = new SandboxTables<Row, State>({ state: { next: 1 }, onChange: (change) => seen.push(change) });
    tables.put('T', 'A', row('a'));
    tables.transaction(undone(() => tables.put('T', 'A', row('b'))));
    expect(seen.map(({ before, after }) => [before?.name, after?.name])).toEqual([[undefined, 'a'], ['a', 'b'], ['b', 'a']]);
  });
});

describe('SandboxTables file', () => {
  it('survives a restart: committed rows in their order, and the state, from snapshot and journal', () => {
    const file = tempFile();
    const first = open(file);
    first.put('T', 'A', row('A'));
    first.state.next = 5;
    first.flush();
    first.transaction(() => { first.put('T', 'B', row('B')); first.state.next = 6; return { commit: true, value: undefined }; });
    first.state.next = 9; // taken after the last commit: no journal line carries it
    const second = open(file);
    expect(keys(second)).toEqual(['A', 'B']);
    expect(second.state).toEqual({ next: 6 });
  });

  it('journals only what commits, so a restart after a rollback gives the committed rows and order', () => {
    const file = tempFile();
    const first = open(file);
    for (const key of ['A', 'B']) first.put('T', key, row(key));
    first.transaction(undone(() => { first.delete('T', 'A'); first.put('T', 'X', row('X')); }));
    first.transaction(() => {
      first.put('T', 'C', row('C'));
      first.transaction(undone(() => first.delete('T', 'B')));
      return { commit: true, value: undefined };
    });
    expect(readFileSync(`${file}.journal`, 'utf8').trim().split('\n').map((line) => JSON.parse(line).key)).toEqual(['A', 'B', 'C']);
    expect(keys(open(file))).toEqual(['A', 'B', 'C']);
  });

  it('reads an older file through the vendor upgrade, and refuses a foreign one without it', () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ seq: 3, rows: { A: 'a' } }));
    writeFileSync(`${file}.journal`, JSON.stringify({ k: 'B', v: 'b' }) + '\n');
    const upgraded = new SandboxTables<Row, State>({
      state: { next: 1 },
      file,
      upgrade: {
        snapshot: (raw) => { const old = raw as { seq: number; rows: Record<string, string> }; return { state: { next: old.seq }, tables: { T: Object.entries(old.rows).map(([k, v]) => [k, row(v)]) } }; },
        entry: (raw) => { const old = raw as { k: string; v: string }; return { table: 'T', key: old.k, row: row(old.v) }; },
      },
    });
    expect([keys(upgraded), upgraded.state]).toEqual([['A', 'B'], { next: 3 }]);
    expect(() => open(file)).toThrow(/not a sandbox tables snapshot/);
  });
});
