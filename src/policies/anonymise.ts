import type { CanonicalData, EventKind } from '../model/index.ts';
import { withoutPaths } from './event-paths.ts';

/**
 * What anonymising an event removes: what says who a person is or what they said (text, names,
 * handles, e-mails, profile fields, addresses that embed a handle), as the erasure removes a
 * person's copies. Kept: keys and ids (`key`, `userId`, `author.key`, `networkId`), so counts,
 * threads and provenance still add up; and what describes the activity, not the person
 * (activity, direction, times, sentiment, language, counts). An erasure carries nothing personal.
 */
export const PERSONAL_PATHS: Readonly<Record<EventKind, readonly string[]>> = {
  identity: ['handle', 'displayName', 'profileUrl', 'avatarUrl', 'email', 'emailVerified', 'location', 'bio', 'createdAt'],
  interaction: [
    'text', 'title', 'url', 'author.handle', 'inReplyTo.author.handle', 'subject.author.handle', 'subject.text',
    'recipient.handle', 'mentions.handle', 'attachments', 'hashtags', 'context.page',
  ],
  erasure: [],
};

/** `data` with its personal fields removed (`PERSONAL_PATHS`). Pure and idempotent: an anonymised event comes back equal. */
export function anonymiseEvent(data: CanonicalData): CanonicalData {
  return withoutPaths(data, PERSONAL_PATHS[data.kind]);
}
