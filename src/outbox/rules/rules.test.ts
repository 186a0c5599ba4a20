import { describe, expect, it } from 'vitest';
import type { OperationReference } from '../../store/store.ts';
import {
  bindLaterOperation, deliveryDeadLetter, isInstanceSilent, outcomeTransition, queueDecision, selectClaims, shownState, unknownOnClaim, unknownOnRelease, waitsFor,
  type ClaimCandidate, type LeasedOperation, type WaitFacts,
} from './index.ts';

// The outbox's rules, without a database: each store applies these in its own transactions.

describe('queueing an operation', () => {
  it('a delete supersedes what is pending for its record and leaves a tombstone', () => {
    expect(queueDecision({ operation: 'delete', recordKey: 'p1' }, false)).toEqual({ state: 'pending', supersedePending: true, tombstone: true });
  });
  it('anything planned for a tombstoned record is kept but never sent', () => {
    expect(queueDecision({ operation: 'upsert', recordKey: 'p1' }, true)).toEqual({ state: 'superseded', supersedePending: false, tombstone: false });
    expect(queueDecision({ operation: 'upsert', recordKey: 'p1' }, false).state).toBe('pending');
  });
  it('an operation without a record key is simply pending', () => {
    expect(queueDecision({ operation: 'delete', recordKey: undefined }, true)).toEqual({ state: 'pending', supersedePending: false, tombstone: false });
  });
});

describe('leases', () => {
  it('a lease taken over after its write was sent is looked up first; one never sent is simply sent', () => {
    expect(unknownOnClaim({ state: 'leased', sentAt: 5, outcomeUnknown: false })).toBe(true);
    expect(unknownOnClaim({ state: 'leased', sentAt: null, outcomeUnknown: false })).toBe(false);
    expect(unknownOnClaim({ state: 'pending', sentAt: 5, outcomeUnknown: false })).toBe(false);
  });
  it('an unknown outcome stays unknown through a claim and a release', () => {
    expect(unknownOnClaim({ state: 'pending', sentAt: null, outcomeUnknown: true })).toBe(true);
    expect(unknownOnRelease({ sentAt: null, outcomeUnknown: true })).toBe(true);
    expect(unknownOnRelease({ sentAt: 7, outcomeUnknown: false })).toBe(true);
    expect(unknownOnRelease({ sentAt: null, outcomeUnknown: false })).toBe(false);
  });
  it('an instance is taken for dead after three missed heartbeats, not one', () => {
    expect(isInstanceSilent(0, 2_000)).toBe(false);
    expect(isInstanceSilent(0, 4_501)).toBe(true);
  });
});

describe('waiting for a referenced record', () => {
  const facts = (f: Partial<Record<keyof WaitFacts, boolean>>): WaitFacts => ({
    firstRecordWritten: () => f.firstRecordWritten ?? false, identityHasPendingWrite: () => f.identityHasPendingWrite ?? false,
    recordHasPendingWrite: () => f.recordHasPendingWrite ?? false, recordLinked: () => f.recordLinked ?? false,
  });
  const byKey: OperationReference = { field: 'PersonaId', object: 'SocialPersona', key: 'x:1', bind: 'wait' };
  it('holds while the record is planned and not yet written', () => {
    expect(waitsFor(byKey, facts({ recordHasPendingWrite: true }))).toBe(true);
  });
  it('does not hold for a record already written, even with an update of it pending', () => {
    expect(waitsFor(byKey, facts({ recordHasPendingWrite: true, recordLinked: true }))).toBe(false);
  });
  it('does not hold when nothing is planned for the record (it stays empty or is matched)', () => {
    expect(waitsFor(byKey, facts({}))).toBe(false);
  });
  it('never holds for a later binding', () => {
    expect(waitsFor({ ...byKey, bind: 'later' }, facts({ recordHasPendingWrite: true }))).toBe(false);
  });
  it('a first-of-identity reference holds while the identity has such records planned and none written', () => {
    const first: OperationReference = { field: 'ParentId', object: 'SocialPost', firstOfIdentity: true, bind: 'wait' };
    expect(waitsFor(first, facts({ identityHasPendingWrite: true }))).toBe(true);
    expect(waitsFor(first, facts({ identityHasPendingWrite: true, firstRecordWritten: true }))).toBe(false);
    expect(waitsFor(first, facts({}))).toBe(false);
  });
});

describe('choosing what a claim leases', () => {
  type Row = ClaimCandidate & { id: string };
  const row = (id: string, operation = 'upsert', recordKey: string | null = id, state = 'pending'): Row => ({ id, operation, recordKey, state });
  it('takes due operations in order up to the limit, skipping the held ones', () => {
    const picked = selectClaims<Row>({ due: [row('a'), row('b'), row('c'), row('d')], laterOnRecord: () => [], held: (r) => r.id === 'b' }, 2);
    expect(picked.map((r) => r.id)).toEqual(['a', 'c']);
  });
  it('brings the upserts and updates queued behind one for its record, up to the first that is not', () => {
    const later = [row('a2', 'update', 'a'), row('a3', 'upsert', 'a'), row('a4', 'create', 'a'), row('a5', 'update', 'a')];
    const picked = selectClaims<Row>({ due: [row('a'), row('b')], laterOnRecord: (r) => (r.id === 'a' ? later : []), held: () => false }, 10);
    expect(picked.map((r) => r.id)).toEqual(['a', 'a2', 'a3', 'b']);
  });
  it('brings nothing behind a create, a delete or a write without a record key', () => {
    const later = [row('x2', 'update', 'x')];
    for (const head of [row('x', 'create'), row('x', 'delete'), row('x', 'upsert', null)]) {
      expect(selectClaims<Row>({ due: [head], laterOnRecord: () => later, held: () => false }, 10).map((r) => r.id)).toEqual(['x']);
    }
  });
  it('stops following at a held or leased write', () => {
    const later = [row('a2', 'update', 'a'), row('a3', 'update', 'a', 'leased'), row('a4', 'update', 'a')];
    expect(selectClaims<Row>({ due: [row('a')], laterOnRecord: () => later, held: (r) => r.id === 'a2' }, 10).map((r) => r.id)).toEqual(['a']);
    expect(selectClaims<Row>({ due: [row('a')], laterOnRecord: () => later, held: () => false }, 10).map((r) => r.id)).toEqual(['a', 'a2']);
  });
});

describe('recording how an attempt ended', () => {
  const leased: LeasedOperation = { state: 'leased', leaseOwner: 'a', attempts: 2, destination: 'salesforce', object: 'SocialPost', recordKey: 'p1', operation: 'upsert' };
  it('changes nothing for a lease that expired or went to another owner', () => {
    expect(outcomeTransition(leased, { id: 'o', outcome: 'done', crmId: 'X' }, 'b')).toEqual({ kind: 'ignored' });
    expect(outcomeTransition({ ...leased, state: 'pending' }, { id: 'o', outcome: 'done', crmId: 'X' }, 'a')).toEqual({ kind: 'ignored' });
    expect(outcomeTransition(undefined, { id: 'o', outcome: 'done', crmId: 'X' }, 'a')).toEqual({ kind: 'ignored' });
  });
  it('done: an attempt spent, the record linked with those the connector reported, parent waits woken', () => {
    const step = outcomeTransition(leased, { id: 'o', outcome: 'done', crmId: 'X', links: [{ object: 'SocialPersona', key: 'x:1', crmId: 'P' }], unbound: [{ field: 'PersonaId', object: 'SocialPersona', key: 'x:2' }] }, 'a');
    expect(step).toMatchObject({ kind: 'done', attempts: 3, crmId: 'X', wakeParentWaits: true, attempt: { attempt: 3, outcome: 'done', error: null } });
    if (step.kind !== 'done') throw new Error('not done');
    expect(step.links).toEqual([{ object: 'SocialPost', key: 'p1', crmId: 'X' }, { object: 'SocialPersona', key: 'x:1', crmId: 'P' }]);
    expect(step.unbound).toEqual([{ field: 'PersonaId', object: 'SocialPersona', key: 'x:2' }]);
    expect(step.unlink).toBeUndefined();
  });
  it('a done delete unlinks its record instead of linking it', () => {
    const step = outcomeTransition({ ...leased, operation: 'delete' }, { id: 'o', outcome: 'done', crmId: 'X' }, 'a');
    expect(step).toMatchObject({ kind: 'done', links: [], unlink: { object: 'SocialPost', key: 'p1' } });
  });
  it('a rate-limited retry spends no attempt and keeps none; a failed one spends and keeps one', () => {
    const when = new Date(5_000);
    expect(outcomeTransition(leased, { id: 'o', outcome: 'retry', nextAttemptAt: when, error: { class: 'rate-limited' }, spendAttempt: false }, 'a'))
      .toEqual({ kind: 'retry', attempts: 2, nextAttemptAt: 5_000, outcomeUnknown: false, lastError: { class: 'rate-limited' } });
    expect(outcomeTransition(leased, { id: 'o', outcome: 'retry', nextAttemptAt: when, error: { code: 'UNABLE_TO_LOCK_ROW' }, spendAttempt: true, outcomeUnknown: true }, 'a'))
      .toMatchObject({ kind: 'retry', attempts: 3, outcomeUnknown: true, attempt: { attempt: 3, outcome: 'retryable' } });
  });
  it('dead: an attempt spent and kept with its class', () => {
    expect(outcomeTransition(leased, { id: 'o', outcome: 'dead', error: { code: 'INVALID_FIELD', class: 'permanent' } }, 'a'))
      .toMatchObject({ kind: 'dead', attempts: 3, attempt: { attempt: 3, outcome: 'permanent' } });
  });
});

describe('binding a later reference and keeping a dead write', () => {
  it('queues one update setting the field, under an id that makes binding twice queue it once', () => {
    expect(bindLaterOperation('salesforce', { operationId: 'o1', field: 'PersonaId', eventId: 'e1', object: 'SocialPost', recordKey: 'p1', orderingKey: 'k' }, 'P1')).toEqual({
      id: 'o1:PersonaId', eventId: 'e1', mappingId: 'parley:bind-later', destination: 'salesforce', object: 'SocialPost', operation: 'update',
      recordKey: 'p1', orderingKey: 'k', fields: { PersonaId: 'P1' }, references: [],
    });
    expect(bindLaterOperation('salesforce', { operationId: 'o1', field: 'F', eventId: 'e1', object: 'SocialPost', recordKey: null, orderingKey: 'k' }, 'P1')).toBeUndefined();
  });
  it('a dead write\'s letter carries the CRM\'s code and the write as planned', () => {
    const letter = deliveryDeadLetter({ id: 'o1', destination: 'salesforce', object: 'SocialPost', operation: 'upsert', mappingId: 'm', eventId: 'e1', fields: { A: 1 }, references: [], matchKey: 'ExternalPostId', matchValue: '9' },
      { code: 'INVALID_FIELD', message: 'No such column' });
    expect(letter).toMatchObject({ id: 'dl-o1', reasonCode: 'INVALID_FIELD', reason: 'No such column', details: { destination: 'salesforce', mappingId: 'm', eventId: 'e1' } });
    expect(JSON.parse(letter.body.toString())).toEqual({ fields: { A: 1 }, references: [], matchKey: 'ExternalPostId', matchValue: '9' });
    expect(deliveryDeadLetter({ id: 'o2', destination: 'd', object: 'o', operation: 'create', mappingId: 'm', eventId: 'e', fields: {}, references: [] }, {}).reasonCode).toBe('UNKNOWN');
  });
  it('shows a pending operation waiting on something outside Parley as waiting', () => {
    expect(shownState('pending', { code: 'PARLEY_OUTBOX_PARENT_MISSING' })).toBe('waiting');
    expect(shownState('pending', { code: 'UNABLE_TO_LOCK_ROW' })).toBe('pending');
    expect(shownState('leased', { code: 'PARLEY_OUTBOX_PARENT_MISSING' })).toBe('leased');
  });
});
