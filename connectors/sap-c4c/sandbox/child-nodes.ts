/**
 * C4C's business-object nodes as `$metadata` declares them: a child node (`SocialMediaUserProfileUserInformation`)
 * is an entity type marked `c4c:parent-entity-type="SocialMediaUserProfile"`, with its own entity set
 * (`SocialMediaUserProfileUserInformationCollection`) whose rows carry `ParentObjectID` = the parent's
 * ObjectID. The parent reaches its rows through a navigation property (reference §5.1, "Child node";
 * §2 "Deep insert allowed"). Everything here is read from the metadata, never from a list of names:
 * NavigationProperty (`Relationship`, `ToRole`) → Association End of that role → its entity type →
 * the entity set of that type.
 */
import type { EdmModel } from '../metadata/edmx-reader.ts';

/**
 * Where a navigation property leads. `kind` is `children` for a parent → child-node navigation (rows
 * of `set` whose `ParentObjectID` is the parent), `parent` for the child → parent one, `other` for any
 * other association (to another business object, or a node without `ParentObjectID`), which the
 * sandbox does not model. `many` is the target end's multiplicity `*`.
 */
export interface NodeNavigation {
  name: string;
  kind: 'children' | 'parent' | 'other';
  /** The target entity type, without the namespace. */
  type: string;
  /** The entity set of the target type; undefined when the metadata has none or several. */
  set: string | undefined;
  many: boolean;
}

/** The parent → child structure of the service's entity types, read once from `$metadata`. */
export class NodeModel {
  /** Entity type → navigation name → target. */
  readonly #navigations = new Map<string, Map<string, NodeNavigation>>();
  /** Child entity type → parent entity type (`c4c:parent-entity-type`). */
  readonly #parents = new Map<string, string>();
  readonly #model: EdmModel;

  /** @param model the service's `$metadata` as `readEdmx` read it (navigation targets from its associations) */
  constructor(model: EdmModel) {
    this.#model = model;
    const strip = (name: string) => name.replace(`${model.namespace}.`, '');
    const setsOfType = new Map<string, string[]>();
    for (const set of model.entitySets.values()) setsOfType.set(set.entityType, [...(setsOfType.get(set.entityType) ?? []), set.name]);
    for (const type of model.entityTypes.values()) {
      const parent = type.attributes['c4c:parent-entity-type'];
      if (parent) this.#parents.set(type.name, strip(parent));
    }
    for (const type of model.entityTypes.values()) {
      const source = type.name;
      const navigations = new Map<string, NodeNavigation>();
      for (const [name, target] of type.navigationTargets) {
        const sets = setsOfType.get(target.type) ?? [];
        const kind = this.#parents.get(target.type) === source && this.#hasParentId(target.type) ? 'children'
          : this.#parents.get(source) === target.type && this.#hasParentId(source) ? 'parent' : 'other';
        navigations.set(name, { name, kind, type: target.type, set: sets.length === 1 ? sets[0] : undefined, many: target.multiplicity === '*' });
      }
      this.#navigations.set(source, navigations);
    }
  }

  #hasParentId(type: string): boolean {
    return this.#model.entityTypes.get(type)?.properties.some((p) => p.name === 'ParentObjectID') ?? false;
  }

  /** The target of `navigation` on `type`; undefined when the type has no such navigation. */
  navigation(type: string, navigation: string): NodeNavigation | undefined {
    return this.#navigations.get(type)?.get(navigation);
  }

  /** The child-node navigations of `type` that have an entity set (what a parent's delete cascades to). */
  childNavigations(type: string): NodeNavigation[] {
    return [...(this.#navigations.get(type)?.values() ?? [])].filter((n) => n.kind === 'children' && n.set !== undefined);
  }

  /**
   * The entity set of the parent of a child-node type (the set a new row's `ParentObjectID` must name);
   * undefined for a root type.
   */
  parentSetOf(type: string): string | undefined {
    const parent = this.#parents.get(type);
    if (!parent || !this.#hasParentId(type)) return undefined;
    const sets = [...this.#model.entitySets.values()].filter((s) => s.entityType === parent);
    return sets.length === 1 ? sets[0]!.name : undefined;
  }
}
