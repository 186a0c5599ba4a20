import type { CanonicalData } from '../model/index.ts';
import { withoutPaths } from './event-paths.ts';
import type { IntakeDropRule } from './policy-schema.ts';

/** Takes a parsed event's data and answers it as it may be stored. */
export type IntakeFilter = (source: string, data: CanonicalData) => CanonicalData;

/**
 * The intake rules as one function, compiled once at start-up: the paths of every rule whose
 * source (or `*`) and kind match an event are dropped from it before it is stored, so a dropped
 * field never reaches the store (nor a mapping, a CRM, the people index or `GET /v1/events`).
 * The raw delivery keeps the vendor's payload until `retention.deliveries` removes it.
 * @returns undefined when there is no rule (the deriver then copies nothing)
 */
export function compileIntakeDrops(rules: readonly IntakeDropRule[]): IntakeFilter | undefined {
  if (rules.length === 0) return undefined;
  const byKey = new Map<string, string[]>();
  const pathsFor = (source: string, kind: string): string[] => {
    const key = `${source}\u0000${kind}`;
    let paths = byKey.get(key);
    if (!paths) {
      paths = [...new Set(rules.filter((r) => (r.source === '*' || r.source === source) && r.kind === kind).flatMap((r) => r.drop))];
      byKey.set(key, paths);
    }
    return paths;
  };
  return (source, data) => {
    const paths = pathsFor(source, data.kind);
    return paths.length === 0 ? data : withoutPaths(data, paths);
  };
}
