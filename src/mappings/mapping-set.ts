import type { CompiledMapping } from './compiled-mapping.ts';

/**
 * The mappings a component runs: a fixed list, or a function answering the live set (the mapping
 * registry's, which changes when a mapping is edited over the API or its file changes). Components
 * read it again for every page or round they plan, never keeping a copy across them.
 */
export type MappingsSource = readonly CompiledMapping[] | (() => readonly CompiledMapping[]);

/** A function answering the current mappings, whichever form `source` takes. */
export function mappingsNow(source: MappingsSource): () => readonly CompiledMapping[] {
  return typeof source === 'function' ? source : () => source;
}

/** A mapping in force carries the stored version it was compiled from (the registry sets it; a file loaded without a store has none). */
export type VersionedMapping = CompiledMapping & { readonly version?: number };

/** Mapping id → its version, for operations to record which version made them. */
export function versionsOf(mappings: readonly CompiledMapping[]): ReadonlyMap<string, number> {
  const versions = new Map<string, number>();
  for (const m of mappings as readonly VersionedMapping[]) if (m.version !== undefined) versions.set(m.definition.id, m.version);
  return versions;
}
