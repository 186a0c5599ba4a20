import { z } from 'zod';
import { PersonId } from '../../meta/ids.ts';
import type { Person } from '../../meta/activity.ts';

/** The identity network of Page feed authors: app-scoped Facebook user ids and Page ids. */
export const NETWORK = 'facebook';

/** `from` of a feed item: `{id, name}`, `id` a string or (older payloads) a number. */
export const From = z.object({
  id: PersonId,
  name: z.string().nullish().catch(undefined),
});

/** The author fields of a feed or mention value: `from`, or the pre-2017 `sender_id`/`sender_name`. */
export const AuthorFields = {
  from: From.nullish(),
  sender_id: PersonId.nullish(),
  sender_name: z.string().nullish().catch(undefined),
};

/** Who wrote a feed or mention item, when the payload says (recent `mention`s and some removals do not). */
export function authorOf(value: { from?: z.infer<typeof From> | null; sender_id?: string | null; sender_name?: string | null }): Person | undefined {
  const id = value.from?.id ?? value.sender_id ?? undefined;
  if (id === undefined) return undefined;
  const name = (value.from ? value.from.name : value.sender_name) ?? undefined;
  return { network: NETWORK, userId: id, displayName: name === '' ? undefined : name };
}

/** The events' `context`: the Page the entry is for, as the brand account and the page. */
export function pageContext(pageId: string) {
  return { account: { network: NETWORK, userId: pageId }, page: pageId };
}

/** What a feed or mention `verb` does: a new item, a new version of one, its deletion, or nothing modelled. */
export type Phase = 'add' | 'edit' | 'remove';

/**
 * `add`; `edit` and `edited` (both occur, reference §2.3); `remove` and `delete`. `hide`/`unhide`
 * (a moderation of visibility, not a deletion), `block`/`unblock`/`mute`/`unmute` (Meta does not
 * document who did it to whom) and any other verb are not modelled: undefined.
 */
export function phaseOf(verb: string | null | undefined): Phase | undefined {
  switch (verb) {
    case 'add': return 'add';
    case 'edit': case 'edited': return 'edit';
    case 'remove': case 'delete': return 'remove';
    default: return undefined;
  }
}
