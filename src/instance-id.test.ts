import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from './config/environment.ts';
import { INSTANCE_ID, INSTANCE_ID_FILE, instanceId } from './instance-id.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'parley-instance-'));

describe('instance id', () => {
  it('is made once per data folder and read back on every start, so a restart holds the same leases', () => {
    const dir = folder();
    const first = instanceId(undefined, dir);
    expect(first.from).toBe('file');
    expect(first.id).toMatch(INSTANCE_ID);
    expect(readFileSync(join(dir, INSTANCE_ID_FILE), 'utf8').trim()).toBe(first.id);
    expect(instanceId(undefined, dir)).toEqual(first);
    // Another data folder (another instance sharing a store, say) gets another id.
    expect(instanceId(undefined, folder()).id).not.toBe(first.id);
  });

  it('takes PARLEY_INSTANCE_ID over the kept one, and refuses an id that is not one', () => {
    const dir = folder();
    writeFileSync(join(dir, INSTANCE_ID_FILE), 'kept-1\n');
    expect(instanceId('web-1', dir)).toEqual({ id: 'web-1', from: 'env' });
    expect(instanceId(undefined, dir)).toEqual({ id: 'kept-1', from: 'file' });
    expect(readEnvironment({ PARLEY_INSTANCE_ID: 'web-1' }, dir, false).environment.instanceId).toBe('web-1');
    expect(readEnvironment({}, dir, false).environment.instanceId).toBeUndefined();
    expect(readEnvironment({ PARLEY_INSTANCE_ID: 'has space' }, dir, false).problems).toEqual([expect.objectContaining({ variable: 'PARLEY_INSTANCE_ID' })]);
  });

  it('falls back to host and process when the folder cannot keep it: never shared, only slower to recover', () => {
    // A path through a regular file: no folder can be made there, not even by root.
    const file = join(folder(), 'not-a-folder');
    writeFileSync(file, '');
    expect(instanceId(undefined, join(file, 'data'))).toEqual({ id: `${hostname()}:${process.pid}`, from: 'process' });
  });
});
