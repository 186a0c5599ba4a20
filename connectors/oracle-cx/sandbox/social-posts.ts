/**
 * What the pod does when a social post is created (../shared/reference/oracle-cx.md §6.2): a root
 * post (no `ParentPostId`) opens a service request; a reply or DM (`ParentPostId` = the parent's
 * `SourcePostIdPrimary`) is appended as a message to the SR of its parent, followed through a
 * message's post to that message's SR. The outcome is recorded on the post
 * (`ObjectId`, `ObjectTypeCd`, `ProcessingStatusCd`, `ProcessingMessage`), never as an HTTP error:
 * a missing parent still creates the post, with `FAIL`.
 */
import type { RecordStore, StoredRecord } from './record-store.ts';

/** What a post's processing writes on it. */
export interface PostOutcome {
  ObjectId: number | null;
  ObjectTypeCd: 'SVC_SERVICE_REQUESTS' | 'SVC_SR_MESSAGES' | null;
  ProcessingStatusCd: 'PASS' | 'FAIL';
  ProcessingMessage: string | null;
}

/** How a post's processing creates rows: through the same path as a client's POST (defaults, keys, journal). */
export interface PostEffects {
  store: RecordStore;
  createServiceRequest: (values: Record<string, unknown>) => StoredRecord;
  createMessage: (srNumber: string, values: Record<string, unknown>) => StoredRecord;
}

/** The longest SR title taken from a post's content (contract: the first 80 characters). */
export const TITLE_LENGTH = 80;

const fail = (message: string): PostOutcome => ({ ObjectId: null, ObjectTypeCd: null, ProcessingStatusCd: 'FAIL', ProcessingMessage: message });

/** The SR a processed post leads to: its own SR, or the SR its message belongs to. */
function serviceRequestOf(post: StoredRecord, store: RecordStore): StoredRecord | undefined {
  const objectId = post.values.ObjectId;
  if (objectId === null || objectId === undefined) return undefined;
  if (post.values.ObjectTypeCd === 'SVC_SERVICE_REQUESTS') {
    return store.findBy('serviceRequests', 'SrId', objectId)[0]?.[1];
  }
  const message = store.get('messages', String(objectId));
  return message?.parent ? store.get('serviceRequests', message.parent) : undefined;
}

/**
 * Processes a new post's values (validated, defaults applied): opens the SR or appends the message,
 * and returns what to record on the post.
 */
export function processPost(post: Readonly<Record<string, unknown>>, effects: PostEffects): PostOutcome {
  const content = typeof post.PostContent === 'string' ? post.PostContent : '';
  const parentId = post.ParentPostId;
  if (parentId === null || parentId === undefined || parentId === '') {
    const sr = effects.createServiceRequest({
      Title: content ? content.slice(0, TITLE_LENGTH) : `Social post ${String(post.SourcePostIdPrimary ?? '')}`.trim(),
      ProblemDescription: content || null,
      ChannelTypeCd: 'ORA_SVC_SOCIAL', SourceCd: 'ORA_SVC_SOCIAL', StatusCd: 'ORA_SVC_NEW', SeverityCd: 'ORA_SVC_SEV3',
    });
    return { ObjectId: sr.values.SrId as number, ObjectTypeCd: 'SVC_SERVICE_REQUESTS', ProcessingStatusCd: 'PASS', ProcessingMessage: null };
  }
  const parents = effects.store.findBy('socialPosts', 'SourcePostIdPrimary', parentId).map(([, p]) => p);
  if (parents.length === 0) return fail(`The parent post ${String(parentId)} was not found.`);
  const sr = parents.map((p) => serviceRequestOf(p, effects.store)).find((found) => found !== undefined);
  if (!sr) return fail(`The parent post ${String(parentId)} has no service request.`);
  const author = post.SocialUserId === null || post.SocialUserId === undefined ? undefined : effects.store.get('socialUsers', String(post.SocialUserId));
  const message = effects.createMessage(String(sr.values.SrNumber), {
    MessageContent: content || null, ChannelTypeCd: 'ORA_SVC_SOCIAL', MessageTypeCd: 'ORA_SVC_CUSTOMER_ENTRY',
    MessageCreatedBy: author?.values.SocialNetworkUserName ?? null,
  });
  return { ObjectId: message.values.MessageId as number, ObjectTypeCd: 'SVC_SR_MESSAGES', ProcessingStatusCd: 'PASS', ProcessingMessage: null };
}
