import type { StoredEvent } from '../model/index.ts';
import type { IdentityObservation } from '../store/people-store.ts';

// What the people index keeps of an event: an identity event's full profile, or an interaction's
// author (key, user id, handle: enough for a person of one identity the ops API can find by handle).

/**
 * Addresses of profiles on the networks Parley reads, whose path names a handle:
 * `x.com/<handle>`, `twitter.com/<handle>`, `facebook.com/<handle>`, `instagram.com/<handle>`,
 * `linkedin.com/in/<handle>`, `threads.net/@<handle>`.
 */
const PROFILE_URL = /(?:^|[\s(/])(?:https?:\/\/)?(?:www\.|m\.|mobile\.)?(?:x|twitter|facebook|fb|instagram|linkedin|threads)\.(?:com|net)\/(?:in\/|@)?([A-Za-z0-9_.-]{2,100})/gi;
/** `@handle` in free text (not an e-mail address: no word character right before the `@`). */
const AT_HANDLE = /(?:^|[^\w@.])@([A-Za-z0-9_.]{2,50})/g;
/** Path segments that are pages of the network, not people. */
const NOT_HANDLES = new Set(['home', 'share', 'sharer', 'intent', 'i', 'pages', 'profile.php', 'search', 'hashtag', 'company', 'groups', 'events', 'watch', 'p', 'reel', 'status']);

/**
 * The handles a profile's address and bio name, lower case, without `@` and trailing dots, its own
 * handle left out: a bio saying "also on instagram.com/ada.l" or "@AdaL on X" names them. Pure.
 */
export function mentionedHandles(texts: ReadonlyArray<string | undefined>, ownHandle?: string): string[] {
  const own = ownHandle?.toLowerCase();
  const found = new Set<string>();
  for (const text of texts) {
    if (text === undefined) continue;
    for (const pattern of [PROFILE_URL, AT_HANDLE]) {
      for (const m of text.matchAll(pattern)) {
        const handle = m[1]!.toLowerCase().replace(/\.+$/, '');
        if (handle.length >= 2 && handle !== own && !NOT_HANDLES.has(handle)) found.add(handle);
      }
    }
  }
  return [...found];
}

/**
 * What one stored event says about identities: an identity event (unless `partial`: it carries
 * only what changed, so it cannot replace a profile) gives the full profile; an interaction gives
 * its author. Erasures give nothing. Pure.
 */
export function observationsOf(event: StoredEvent): IdentityObservation[] {
  const data = event.data;
  if (data.kind === 'identity') {
    if (data.partial === true) return [{ key: data.key, network: data.network, userId: data.userId, ...(data.handle !== undefined ? { handle: data.handle } : {}), observedAt: data.observedAt }];
    return [{
      key: data.key, network: data.network, userId: data.userId, eventId: event.id, observedAt: data.observedAt,
      ...(data.handle !== undefined ? { handle: data.handle } : {}), ...(data.displayName !== undefined ? { displayName: data.displayName } : {}),
      ...(data.email !== undefined ? { email: data.email } : {}), ...(data.emailVerified !== undefined ? { emailVerified: data.emailVerified } : {}),
      ...(data.location !== undefined ? { location: data.location } : {}), ...(data.profileUrl !== undefined ? { profileUrl: data.profileUrl } : {}),
      mentions: mentionedHandles([data.profileUrl, data.bio], data.handle),
    }];
  }
  if (data.kind === 'interaction' && data.author && data.direction === 'inbound') {
    return [{ key: data.author.key, network: data.network, userId: data.author.userId, ...(data.author.handle !== undefined ? { handle: data.author.handle } : {}), observedAt: data.occurredAt }];
  }
  return [];
}
