/**
 * The two function imports the connector uses (reference §5.1, §5.2; declared in the shipped
 * `$metadata` as `m:HttpMethod="GET"` returning collections):
 * - `GetSocialMediaUserProfile?SocialMediaUserAccountID='…'` (or `BusinessPartnerInternalID='…'`): the
 *   profiles whose UserInformation (or BupaReference) child rows carry that value (the BupaReference
 *   property the 2021 metadata has is `AccountInternalID`, so that one is matched [unconfirmed]): the sample's way to
 *   look a profile up by its platform user (a `$filter` on the parent cannot reach child nodes; a
 *   `$filter` on the child node's own set can);
 * - `GetAllChildSocialMediaActivity?RootSocialMediaActivityNodeID='<root ObjectID>'`: every activity
 *   below the root, following `ParentSocialMediaActivityUUID` (C4C returns them unsorted).
 * `StartRow`/`NumberOfRows` are declared too; their exact semantics are undocumented, so they are
 * accepted and not applied [unconfirmed].
 */
import { fromGuid } from '../odata/json.ts';
import type { NodeModel } from './child-nodes.ts';
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

/**
 * The rows a function import returns, as [ObjectID, entity] of its entity set. Child rows are read from
 * their child node's own set, found through `nodes` from the navigation's name.
 */
export function runFunctionImport(name: keyof typeof FUNCTION_IMPORTS, query: URLSearchParams, store: EntityStore, nodes: NodeModel): Array<[string, StoredEntity]> {
  if (name === 'GetSocialMediaUserProfile') {
    const account = stringParameter(query, 'SocialMediaUserAccountID');
    const partner = stringParameter(query, 'BusinessPartnerInternalID');
    const parents = new Set<unknown>();
    const collect = (navigation: string, property: string, value: string | undefined) => {
      const set = nodes.navigation('SocialMediaUserProfile', navigation)?.set;
      if (value === undefined || !set) return;
      for (const [, row] of store.list(set)) if (row.properties[property] === value) parents.add(row.properties.ParentObjectID);
    };
    collect('SocialMediaUserProfileUserInformation', 'SocialMediaUserAccountID', account);
    collect('SocialMediaUserProfileBupaReference', 'AccountInternalID', partner);
    return store.list(FUNCTION_IMPORTS[name]).filter(([id]) => parents.has(id));
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
