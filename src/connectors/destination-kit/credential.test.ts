import { describe, expect, it } from 'vitest';
import { SharedCredential, sendWithRenewal } from './credential.ts';

/** A credential source that counts its fetches and issues `token-1`, `token-2`, … */
function counting() {
  let fetches = 0;
  return { credential: new SharedCredential(async () => `token-${++fetches}`), fetches: () => fetches };
}

describe('a credential the calls of a session share', () => {
  it('is fetched once for concurrent first calls, and renewed once however many calls found it refused', async () => {
    const { credential, fetches } = counting();
    expect(await Promise.all([credential.current(), credential.current()])).toEqual(['token-1', 'token-1']);
    expect(await Promise.all([credential.renew('token-1'), credential.renew('token-1'), credential.renew('token-1')])).toEqual(['token-2', 'token-2', 'token-2']);
    // A call that was refused the old one after the renewal gets the new one, without another fetch.
    expect(await credential.renew('token-1')).toBe('token-2');
    expect(fetches()).toBe(2);
  });

  it('is fetched again when no longer fresh (an announced expiry)', async () => {
    let now = 0;
    let fetches = 0;
    const credential = new SharedCredential(async () => ({ value: `t${++fetches}`, expiresAt: now + 1000 }), { fresh: (t) => t.expiresAt > now });
    expect((await credential.current()).value).toBe('t1');
    now = 999;
    expect((await credential.current()).value).toBe('t1');
    now = 1000;
    expect((await credential.current()).value).toBe('t2');
  });

  it('lets a failed fetch reach every waiting caller, and fetches afresh next time', async () => {
    let fail = true;
    const credential = new SharedCredential(async () => { if (fail) throw new Error('refused'); return 'ok'; });
    await expect(Promise.all([credential.current(), credential.current()])).rejects.toThrow('refused');
    fail = false;
    expect(await credential.current()).toBe('ok');
  });
});

describe('sending with renewal', () => {
  it('sends once with a good credential', async () => {
    const { credential } = counting();
    const sent: string[] = [];
    const result = await sendWithRenewal(credential, async (t) => { sent.push(t); return 200; }, (status) => status === 401);
    expect(result).toEqual({ answer: 200, renewed: false });
    expect(sent).toEqual(['token-1']);
  });

  it('renews a refused credential once and sends the same call again; a second refusal is the answer', async () => {
    const { credential, fetches } = counting();
    const accepted = new Set(['token-2']);
    const sent: string[] = [];
    const call = async (t: string) => { sent.push(t); return accepted.has(t) ? 200 : 401; };
    expect(await sendWithRenewal(credential, call, (s) => s === 401)).toEqual({ answer: 200, renewed: true });
    expect(sent).toEqual(['token-1', 'token-2']);
    accepted.clear();
    expect(await sendWithRenewal(credential, call, (s) => s === 401)).toEqual({ answer: 401, renewed: true });
    expect(fetches()).toBe(3);
  });
});
