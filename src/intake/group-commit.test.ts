import { describe, expect, it, vi } from 'vitest';
import { createGroupCommitter } from './group-commit.ts';

describe('group commit', () => {
  it('commits everything submitted in one turn as one batch, and settles each after the commit', async () => {
    const batches: number[][] = [];
    let committed = false;
    const committer = createGroupCommitter<number, string>({
      maxBatch: 100,
      commit: async (items) => { batches.push(items); await Promise.resolve(); committed = true; return items.map((i) => `ok ${i}`); },
    });
    const results = [1, 2, 3].map((i) => committer.submit(i).then((r) => { expect(committed).toBe(true); return r; }));
    expect(await Promise.all(results)).toEqual(['ok 1', 'ok 2', 'ok 3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers what arrives during a commit into the next one, up to maxBatch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const committer = createGroupCommitter<number, number>({
      maxBatch: 2,
      commit: (items) => { batches.push(items); return new Promise((resolve) => { release = () => resolve(items); }); },
    });
    const first = committer.submit(1);
    await vi.waitFor(() => expect(batches).toEqual([[1]]));
    const later = [2, 3, 4].map((i) => committer.submit(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]); // one commit at a time: 2, 3, 4 wait for it
    release();
    await first;
    await vi.waitFor(() => expect(batches).toEqual([[1], [2, 3]]));
    release();
    await vi.waitFor(() => expect(batches).toEqual([[1], [2, 3], [4]]));
    release();
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
  });

  it('with maxInFlight, sends each turn\'s batch while earlier ones are still committing, in order', async () => {
    const batches: number[][] = [];
    const releases: Array<() => void> = [];
    const committer = createGroupCommitter<number, number>({
      maxBatch: 10, maxInFlight: 2,
      commit: (items) => { batches.push(items); return new Promise((resolve) => { releases.push(() => resolve(items)); }); },
    });
    const first = [1, 2].map((i) => committer.submit(i));
    await new Promise((r) => setImmediate(r));
    const second = [3].map((i) => committer.submit(i));
    await new Promise((r) => setImmediate(r));
    const third = [4, 5].map((i) => committer.submit(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2], [3]]); // two outstanding; 4 and 5 wait
    releases[1]!(); // the second finishing first frees a slot
    expect(await Promise.all(second)).toEqual([3]);
    await vi.waitFor(() => expect(batches).toEqual([[1, 2], [3], [4, 5]]));
    releases[0]!();
    releases[2]!();
    expect(await Promise.all([...first, ...third])).toEqual([1, 2, 4, 5]);
    await committer.drain();
  });

  it('fails every item of a failed commit, and goes on with the next', async () => {
    let fail = true;
    const committer = createGroupCommitter<number, number>({
      maxBatch: 10,
      commit: async (items) => { if (fail) throw new Error('disk full'); return items; },
    });
    const failed = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await committer.submit(3)).toBe(3);
    await committer.drain();
  });
});
