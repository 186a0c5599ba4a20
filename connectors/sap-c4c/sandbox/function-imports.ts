/**
 * The two function imports the connector uses (reference §5.1, §5.2; declared in the shipped
 * `$metadata` as `m:HttpMethod="GET"` returning collections):
 * - `GetSocialMediaUserProfile?SocialMediaUserAccountID='…'` (or `BusinessPartnerInternalID='…'`): the
 *   profiles whose UserInformation (or BupaReference) child rows carry that value: the way to look a
 *   profile up by its platform user, since `$filter` cannot reach child nodes;
 * - `GetAllChildSocialMediaActivity?RootSocialMediaActivityNodeID='<root ObjectID>'`: every activity
 *   below the root, following `ParentSocialMediaActivityUUID` (C4C returns them unsorted).
 * `StartRow`/`NumberOfRows` are declared too; their exact semantics are undocumented, so they are
 * accepted and not applied [unconfirmed].
 */
import { fromGuid } from '../odata/json.ts';
import type { EntityStore, StoredEntity } from './entity-store.ts';

/** The function imports this sandbox simulates, with the entity set their results come from. */
export const FUNCTION_IMPORTS = {
  GetSocialMediaUserProfile: 'SocialMediaUserProfileCollection',
  GetAllChildSocialMediaActivity: 'SocialMediaActivityCollection',
} as const;

/** An `Edm.String` function parameter: `'text'` with `''` for a quote; undefined when absent. */
export function stringParameter(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const match = /^'((?:[^']|'')*)'$/.exec(raw);
  return match ? match[1]!.replace(/''/g, "'") : raw;
}

/** The rows a function import returns, as [ObjectID, entity] of its entity set. */
export function runFunctionImport(name: keyof typeof FUNCTION_IMPORTS, query: URLSearchParams, store: EntityStore): Array<[string, StoredEntity]> {
  if (name === 'GetSocialMediaUserProfile') {
    const account = stringParameter(query, 'SocialMediaUserAccountID');
    const partner = stringParameter(query, 'BusinessPartnerInternalID');
    if (account === undefined && partner === undefined) return [];
    return store.list(FUNCTION_IMPORTS[name]).filter(([, profile]) =>
      (account !== undefined && (profile.children.SocialMediaUserProfileUserInformation ?? []).some((row) => row.SocialMediaUserAccountID === account))
      || (partner !== undefined && (profile.children.SocialMediaUserProfileBupaReference ?? []).some((row) => row.BusinessPartnerInternalID === partner)));
  }
  const root = stringParameter(query, 'RootSocialMediaActivityNodeID');
  if (!root) return [];
  const activities = store.list(FUNCTION_IMPORTS[name]);
  const parentOf = new Map(activities.map(([id, e]) => [id, typeof e.properties.ParentSocialMediaActivityUUID === 'string' ? fromGuid(e.properties.ParentSocialMediaActivityUUID) : undefined]));
  const below = (id: string) => {
    const seen = new Set<string>();
    for (let at = parentOf.get(id); at !== undefined && !seen.has(at); at = parentOf.get(at)) {
      if (at === root) return true;
      seen.add(at);
    }
    return false;
  };
  return activities.filter(([id]) => below(id));
}
