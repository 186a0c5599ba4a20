import { describe, expect, it } from 'vitest';
import type { WriteResult } from '../connectors/destination.ts';
import { errors } from '../errors.ts';
import { deadLetterLine, followerOutcomes, outcomeFor, outcomeKind, outcomesOfBatch, retryOutcome, type ResultContext } from './outcomes.ts';
import type { PlannedWrite } from './plan-writes.ts';
import { SCHEDULE, T0, operation } from './testing/fakes.ts';

const HOUR = 3600_000;
/** Decided at T0 + 1 min, with a jitter of one half; quota refusals held for at most 15 s. */
const context: ResultContext = { now: new Date(T0 + 60_000), schedule: SCHEDULE, random: () => 0.5, heldWaitMs: (ms) => Math.min(ms, 15_000) };
const refused = { code: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' };
const write = (id: string, extra: Partial<PlannedWrite> = {}): PlannedWrite => ({ op: operation(id), operation: 'create', write: { id, fields: {} }, ...extra });

describe('a retry', () => {
  it('is due after the schedule step of the next attempt, with jitter, and counts the attempt', () => {
    expect(retryOutcome(operation('a', { attempts: 1 }), { error: refused, spendAttempt: true }, context)).toEqual({
      id: 'a', outcome: 'retry', nextAttemptAt: new Date(T0 + 60_000 + 30_000), spendAttempt: true, error: { ...refused, class: 'retryable' },
    });
  });

  it('waits what it is told instead, and keeps the class and an unknown outcome', () => {
    const outcome = retryOutcome(operation('a'), { error: { ...refused, class: 'rate-limited' }, spendAttempt: false, outcomeUnknown: true, waitMs: 5_000 }, context);
    expect(outcome).toMatchObject({ outcome: 'retry', nextAttemptAt: new Date(T0 + 65_000), spendAttempt: false, outcomeUnknown: true, error: { class: 'rate-limited' } });
  });

  it('is a dead letter once the operation is older than the retry window, saying for how long it was tried', () => {
    const old = operation('a', { createdAt: new Date(T0 + 60_000 - 24 * HOUR).toISOString() });
    expect(retryOutcome(old, { error: refused, spendAttempt: true }, context)).toEqual({
      id: 'a', outcome: 'dead', error: { ...refused, class: 'retryable', gaveUp: 'retried for 24 h' },
    });
  });

  it('that spends no attempt is never dead, however old the operation', () => {
    const old = operation('a', { createdAt: new Date(T0 - 30 * 24 * HOUR).toISOString() });
    expect(retryOutcome(old, { error: refused, spendAttempt: false, waitMs: 1 }, context).outcome).toBe('retry');
  });
});

describe('the outcome of a write result', () => {
  const op = operation('a');
  it('done keeps the CRM id', () => {
    expect(outcomeFor(op, { status: 'done', recordId: '0ST1' }, context)).toEqual({ id: 'a', outcome: 'done', crmId: '0ST1' });
  });

  it('retryable spends an attempt, and says when the write may have gone out', () => {
    expect(outcomeFor(op, { status: 'retryable', error: refused, outcomeUnknown: true }, context)).toMatchObject({ outcome: 'retry', spendAttempt: true, outcomeUnknown: true, error: { class: 'retryable' } });
    expect(outcomeFor(op, { status: 'retryable', error: refused }, context)).not.toHaveProperty('outcomeUnknown');
  });

  it('rate-limited spends no attempt and is held as long as the destination allows', () => {
    const outcome = outcomeFor(op, { status: 'rate-limited', error: { code: 'REQUEST_LIMIT_EXCEEDED', message: 'quota' }, retryAfterMs: 15 * 60_000 }, context);
    expect(outcome).toMatchObject({ outcome: 'retry', spendAttempt: false, nextAttemptAt: new Date(T0 + 60_000 + 15_000), error: { code: 'REQUEST_LIMIT_EXCEEDED', class: 'rate-limited' } });
  });

  it('permanent is a dead letter at once, with its scope', () => {
    expect(outcomeFor(op, { status: 'permanent', scope: 'record', error: { code: 'STRING_TOO_LONG', message: 'too long' } }, context)).toEqual({
      id: 'a', outcome: 'dead', error: { code: 'STRING_TOO_LONG', message: 'too long', class: 'permanent', scope: 'record' },
    });
  });

  it('missing (a connector bug) is retried with the catalogue\'s code', () => {
    expect(outcomeFor(op, undefined, context)).toMatchObject({ outcome: 'retry', spendAttempt: true, error: { code: errors.OUTBOX_NO_RESULT.code } });
  });
});

describe('the outcomes of a sent batch', () => {
  it('follow the batch\'s order, a done write carrying its unbound references and its parent link', () => {
    const unbound = [{ field: 'PersonaId', object: 'SocialPersona', key: 'p1' }];
    const links = [{ object: 'SocialPersona.parent', key: 'b', crmId: '003C' }];
    const results = new Map<string, WriteResult>([['b', { status: 'done', recordId: 'B' }], ['a', { status: 'done', recordId: 'A' }]]);
    const outcomes = outcomesOfBatch({ batch: { object: 'SocialPost', operation: 'create', operations: [] }, writes: [write('a', { unbound }), write('b', { links })], results }, context);
    expect(outcomes).toEqual([{ id: 'a', outcome: 'done', crmId: 'A', unbound }, { id: 'b', outcome: 'done', crmId: 'B', links }]);
  });

  it('leave unbound references off a write that did not succeed', () => {
    const results = new Map<string, WriteResult>([['a', { status: 'retryable', error: refused }]]);
    const [outcome] = outcomesOfBatch({ batch: { object: 'SocialPost', operation: 'create', operations: [] }, writes: [write('a', { unbound: [{ field: 'F', object: 'O', key: 'k' }] })], results }, context);
    expect(outcome).not.toHaveProperty('unbound');
  });

  it('of a batch the connector rejected are retries whose write may have gone out', () => {
    const outcomes = outcomesOfBatch({ batch: { object: 'SocialPost', operation: 'create', operations: [] }, writes: [write('a'), write('b')], error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }, context);
    expect(outcomes).toMatchObject([
      { id: 'a', outcome: 'retry', spendAttempt: true, outcomeUnknown: true, error: { code: 'ECONNRESET', message: 'socket hang up', class: 'retryable' } },
      { id: 'b', outcome: 'retry', outcomeUnknown: true },
    ]);
  });
});

describe('followers of a merged write', () => {
  it('get a copy of their head\'s outcome, without its unbound references, in the heads\' order', () => {
    const unbound = [{ field: 'PersonaId', object: 'SocialPersona', key: 'p1' }];
    const links = [{ object: 'SocialPost.parent', key: 'a', crmId: '003C' }];
    const copies = followerOutcomes([
      { id: 'a', outcome: 'done', crmId: 'A', unbound, links },
      { id: 'b', outcome: 'dead', error: refused },
      { id: 'c', outcome: 'done', crmId: 'C' },
    ], new Map([['b', ['b2']], ['a', ['a2', 'a3']]]));
    expect(copies).toEqual([
      { id: 'a2', outcome: 'done', crmId: 'A', links }, { id: 'a3', outcome: 'done', crmId: 'A', links }, { id: 'b2', outcome: 'dead', error: refused },
    ]);
  });
});

describe('what is logged and counted', () => {
  it('counts a retry that spent no attempt as waiting', () => {
    expect(outcomeKind({ id: 'a', outcome: 'retry', nextAttemptAt: new Date(T0), error: {}, spendAttempt: false })).toBe('waiting');
    expect(outcomeKind({ id: 'a', outcome: 'retry', nextAttemptAt: new Date(T0), error: {}, spendAttempt: true })).toBe('retry');
    expect(outcomeKind({ id: 'a', outcome: 'dead', error: {} })).toBe('dead');
  });

  it('names why an operation went dead: out of retries, or refused for good with its scope', () => {
    expect(deadLetterLine({ id: 'a', outcome: 'dead', error: { code: 'X', gaveUp: 'retried for 24 h' } }, { object: 'SocialPost' }, 'crm'))
      .toEqual({ fields: { destination: 'crm', operationId: 'a', object: 'SocialPost', code: 'X' }, message: 'an operation ran out of retries; kept as a dead letter' });
    expect(deadLetterLine({ id: 'a', outcome: 'dead', error: { code: 'Y', class: 'permanent', scope: 'record' } }, { object: 'SocialPost' }, 'crm'))
      .toMatchObject({ fields: { code: 'Y', scope: 'record' }, message: 'the CRM refused an operation for good; kept as a dead letter' });
    expect(deadLetterLine({ id: 'a', outcome: 'done', crmId: 'A' }, { object: 'SocialPost' }, 'crm')).toBeUndefined();
  });
});
