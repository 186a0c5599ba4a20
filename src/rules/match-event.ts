import { mappingInput } from '../mappings/enrich-event.ts';
import type { StoredEvent } from '../model/index.ts';
import { identityOf } from '../outbox/planner.ts';
import type { CompiledRule } from './load-rules.ts';
import type { WindowEntry } from './window.ts';

/** Longest group value kept: a group is a product or a keyword, not a text. */
const GROUP_CHARS = 200;

/** What a rule makes of an event it counts: its window's group and the entry kept there. */
export interface MatchedEvent { group: string; entry: WindowEntry }

/**
 * Whether `rule` counts `event`, and in which group: an interaction whose `match.when` is true over
 * the canonical event with its sentiment filled in (as mappings see it: src/mappings/enrich-event.ts),
 * grouped by `match.groupBy`. An event whose `groupBy` yields nothing (no topic) is not counted:
 * each group is a value, and "no value" is not a product. An expression that fails on an event
 * does not count it either (JSONata fails on a type mismatch such as a string compared with a number).
 * @param capAt the engine's time: an occurrence time later than it (a sender's clock ahead) is taken as it
 */
export async function matchEvent(rule: CompiledRule, event: StoredEvent, capAt: number): Promise<MatchedEvent | undefined> {
  if (event.data.kind !== 'interaction') return undefined;
  const data = mappingInput(event.data);
  if (data.kind !== 'interaction') return undefined;
  try {
    if (rule.when && (await rule.when.evaluate(data)) !== true) return undefined;
    let group = '';
    if (rule.groupBy) {
      const value = await rule.groupBy.evaluate(data);
      if (value === undefined || value === null || value === '') return undefined;
      group = (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, GROUP_CHARS);
    }
    const occurred = Date.parse(data.occurredAt);
    return {
      group,
      entry: {
        t: Number.isNaN(occurred) ? capAt : Math.min(occurred, capAt), id: event.id, post: data.networkId, order: identityOf(data),
        ...(data.text !== undefined ? { text: data.text } : {}),
      },
    };
  } catch {
    return undefined;
  }
}
