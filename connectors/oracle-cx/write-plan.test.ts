import { describe, expect, it } from 'vitest';
import type { WriteBatch } from '../../src/connectors/index.ts';
import { planRound, type WriteFacts } from './write-plan.ts';

const none: WriteFacts = { existing: new Map(), knownParents: new Set(), srOfPost: new Map() };
const post = (id: string, parent?: string) => ({ id: `op-${id}`, matchValue: id, fields: { SourcePostIdPrimary: id, PostContent: `text ${id}`, SocialUserId: 300000000000001, ParentPost: 'ignored', ...(parent ? { ParentPostId: parent } : {}) } });
const posts = (...ops: ReturnType<typeof post>[]): WriteBatch => ({ object: 'socialPosts', operation: 'upsert', matchKey: 'SourcePostIdPrimary', operations: ops });

describe('planning a write round (write-plan.ts)', () => {
  it('socialUsers upsert: an `upsert` part (Upsert-Mode), nothing looked up', () => {
    const batch: WriteBatch = { object: 'socialUsers', operation: 'upsert', matchKey: 'SocialNetworkUserId', operations: [{ id: 'a', matchValue: '42', fields: { SocialNetworkCd: 'TWITTER' } }] };
    expect(planRound(batch, batch.operations, none)).toEqual([{ kind: 'part', part: { id: 'p0', path: '/socialUsers', operation: 'upsert', payload: { SocialNetworkCd: 'TWITTER', SocialNetworkUserId: '42' } } }]);
  });

  it('socialPosts upsert: a found post is done unchanged; a reply keeps its parent when Oracle or an earlier part has it, else is written as a root', () => {
    const batch = posts(post('known'), post('root'), post('reply-to-root', 'root'), post('reply-to-known', 'old'), post('orphan', 'never-seen'));
    const facts: WriteFacts = { ...none, existing: new Map([['known', '300000000000009']]), knownParents: new Set(['old']) };
    const plans = planRound(batch, batch.operations, facts);
    expect(plans[0]).toEqual({ kind: 'result', result: { ok: true, recordId: '300000000000009', created: false } });
    const payloads = plans.slice(1).map((p) => (p.kind === 'part' ? p.part.payload : undefined));
    expect(payloads.map((p) => p?.ParentPostId)).toEqual([undefined, 'root', 'old', undefined]);
    expect(plans.slice(1).every((p) => p.kind === 'part' && p.part.operation === 'create' && p.created === true)).toBe(true);
    // The look-up reference is waited for, never written.
    expect(payloads.every((p) => p !== undefined && !('ParentPost' in p))).toBe(true);
  });

  it('socialPosts create (the shipped create-only mappings): a post Oracle already has is done unchanged, the others created', () => {
    const batch: WriteBatch = { object: 'socialPosts', operation: 'create', operations: [post('known'), post('new')] };
    const plans = planRound(batch, batch.operations, { ...none, existing: new Map([['known', '300000000000009']]) });
    expect(plans[0]).toEqual({ kind: 'result', result: { ok: true, recordId: '300000000000009', created: false } });
    expect(plans[1]).toMatchObject({ kind: 'part', part: { path: '/socialPosts', operation: 'create', payload: { SourcePostIdPrimary: 'new' } }, created: true });
  });

  it('socialUsers delete (no DELETE in Oracle): an update emptying the row of what identifies the person', () => {
    const batch: WriteBatch = { object: 'socialUsers', operation: 'delete', matchKey: 'SocialNetworkUserId', operations: [{ id: 'e', recordId: '300000000000004', fields: { SocialNetworkUserId: '42' } }] };
    expect(planRound(batch, batch.operations, none)).toEqual([{
      kind: 'part', part: { id: 'p0', path: '/socialUsers/300000000000004', operation: 'update', payload: { SocialNetworkUserName: '(erased)', ImageURL: null, ProfileURL: null, FollowerCount: null } },
      recordId: '300000000000004', created: false,
    }]);
  });

  it('a reply whose parent part failed in an earlier round is written as a root in the next', () => {
    const batch = posts(post('root'), post('reply', 'root'));
    const [plan] = planRound(batch, [batch.operations[1]!], none);
    expect(plan).toMatchObject({ kind: 'part', part: { operation: 'create' } });
    expect((plan as { part: { payload: Record<string, unknown> } }).part.payload.ParentPostId).toBeUndefined();
  });

  it('messages go under the SR named or found through the post; none → a 404-class failure, no part', () => {
    const batch: WriteBatch = { object: 'messages', operation: 'create', operations: [
      { id: 'a', fields: { SrNumber: 'SR0000000001', MessageContent: 'hi' } },
      { id: 'b', fields: { 'socialPost/SourcePostIdPrimary': 'root', socialPost: 'x', MessageContent: 'hello' } },
      { id: 'c', fields: { 'socialPost/SourcePostIdPrimary': 'unknown', MessageContent: 'lost' } },
    ] };
    const plans = planRound(batch, batch.operations, { ...none, srOfPost: new Map([['root', 'SR0000000002']]) });
    expect(plans[0]).toMatchObject({ kind: 'part', part: { path: '/serviceRequests/SR0000000001/child/messages', payload: { MessageContent: 'hi' } } });
    expect(plans[1]).toMatchObject({ kind: 'part', part: { path: '/serviceRequests/SR0000000002/child/messages', payload: { MessageContent: 'hello' } } });
    expect(plans[2]).toMatchObject({ kind: 'result', result: { ok: false, error: { httpStatus: 404 } } });
  });

  it('an update with nothing left to write is done without a part; one with fields PATCHes the item by its key', () => {
    const batch: WriteBatch = { object: 'serviceRequests', operation: 'update', matchKey: 'socialPost/SourcePostIdPrimary', operations: [
      { id: 'a', recordId: 'SR0000000001', fields: { 'socialPost/SourcePostIdPrimary': 'root', socialPost: '1' } },
      { id: 'b', recordId: 'SR0000000002', fields: { 'socialPost/SourcePostIdPrimary': 'root2', SeverityCd: 'ORA_SVC_SEV1' } },
    ] };
    expect(planRound(batch, batch.operations, none)).toEqual([
      { kind: 'result', result: { ok: true, recordId: 'SR0000000001', created: false } },
      { kind: 'part', part: { id: 'p1', path: '/serviceRequests/SR0000000002', operation: 'update', payload: { SeverityCd: 'ORA_SVC_SEV1' } }, recordId: 'SR0000000002', created: false },
    ]);
  });

  it('contacts are only matched: a write fails without a part', () => {
    const batch: WriteBatch = { object: 'contacts', operation: 'create', operations: [{ id: 'a', fields: { LastName: 'Lovelace' } }] };
    expect(planRound(batch, batch.operations, none)).toEqual([{ kind: 'result', result: { ok: false, error: expect.objectContaining({ code: 'READ_ONLY_OBJECT' }) } }]);
  });
});
