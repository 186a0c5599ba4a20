import type { NewOperation } from '../store/store.ts';
import type { CompiledCase, CompiledRule } from './load-rules.ts';
import type { OpenIncident, WindowEntry } from './window.ts';

/** The mapping id of every operation a rule queues (`parley:crisis:<ruleId>`). */
export const crisisMappingId = (ruleId: string) => `parley:crisis:${ruleId}`;
/** The record key of an incident's parent record at every destination. */
export const incidentRecordKey = (incidentId: string) => `crisis:${incidentId}`;

/** What a Case's field expressions see. */
export interface CaseInput { rule: string; group: string; count: number; openedAt: string; window: string; sample: string[] }

/** How many of the newest texts of the window a Case's `sample` holds. */
const SAMPLE_SIZE = 5;

type FieldProblem = { destination: string; field: string; problem: string };

/** Evaluates a case's fields; a field whose expression fails or yields nothing is left out and reported, never thrown. */
async function evaluateFields(spec: CompiledCase, input: CaseInput, problems: FieldProblem[]): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  for (const { name, expression } of spec.fields) {
    try {
      const value = await expression.evaluate(input);
      if (value === undefined) problems.push({ destination: spec.destination, field: name, problem: 'the expression yields nothing' });
      else fields[name] = value;
    } catch (error) {
      problems.push({ destination: spec.destination, field: name, problem: (error as Error).message });
    }
  }
  return fields;
}

function caseInput(rule: CompiledRule, group: string, incident: OpenIncident, posts: readonly WindowEntry[]): CaseInput {
  return {
    rule: rule.id, group, count: incident.openedCount, openedAt: new Date(incident.openedAt).toISOString(), window: rule.definition.window,
    sample: posts.flatMap((p) => (p.text !== undefined ? [p.text] : [])).slice(-SAMPLE_SIZE).reverse(),
  };
}

/**
 * The parent record of a new incident at each destination of `cases` (those without `each`): ONE
 * create per destination, keyed `crisis:<incidentId>` (the posts' links wait for it), with its fields
 * evaluated. A field whose expression fails or yields nothing is left out, and reported in
 * `problems`, never thrown: the incident must open whatever a field says.
 */
export async function caseOperations(
  rule: CompiledRule, group: string, opened: { incident: OpenIncident; posts: readonly WindowEntry[] }, newId: () => string,
): Promise<{ operations: NewOperation[]; problems: FieldProblem[] }> {
  const { incident, posts } = opened;
  const input = caseInput(rule, group, incident, posts);
  const operations: NewOperation[] = [];
  const problems: FieldProblem[] = [];
  for (const spec of rule.cases) {
    if (spec.each) continue;
    const fields = await evaluateFields(spec, input, problems);
    operations.push({
      id: newId(), eventId: incident.triggerEventId, mappingId: crisisMappingId(rule.id), destination: spec.destination, object: spec.object,
      operation: 'create', recordKey: incidentRecordKey(incident.id), orderingKey: `${spec.destination}:${incidentRecordKey(incident.id)}`, fields, references: [],
    });
  }
  return { operations, problems };
}

/**
 * For each destination whose CRM opens a record per post by itself (`each`: Oracle's automatic
 * service request), an update of each post's own record with the case's fields (`sample` is the
 * post's own text), found by `each.matchKey` = the post's id, and waiting (`each.waitFor`) until the
 * post itself is written. Ordered with the post's own writes, as a link is.
 */
export async function eachOperations(
  rule: CompiledRule, group: string, incident: OpenIncident, posts: readonly WindowEntry[], newId: () => string,
): Promise<{ operations: NewOperation[]; problems: FieldProblem[] }> {
  const operations: NewOperation[] = [];
  const problems: FieldProblem[] = [];
  for (const spec of rule.cases) {
    if (!spec.each) continue;
    const { matchKey, waitFor } = spec.each;
    for (const post of posts) {
      const fields = await evaluateFields(spec, caseInput(rule, group, incident, [post]), problems);
      operations.push({
        id: newId(), eventId: post.id, mappingId: crisisMappingId(rule.id), destination: spec.destination, object: spec.object, operation: 'update',
        matchKey, matchValue: post.post, recordKey: post.post, orderingKey: `${spec.destination}:${post.order}`,
        fields: { [matchKey]: post.post, ...fields },
        references: waitFor ? [{ field: waitFor.field, object: waitFor.object, key: post.post, bind: 'wait' }] : [],
      });
    }
  }
  return { operations, problems };
}

/**
 * A post's link to the incident's parent at each destination that asks (`link`): an update of the
 * post's record (found by its match key = the post's id) setting the link field to the parent,
 * which waits until the parent is written. Ordered with the post's own writes (same ordering key
 * and record key as the post mapping's upsert), so it goes after the post exists.
 */
export function linkOperations(rule: CompiledRule, incidentId: string, post: WindowEntry, newId: () => string): NewOperation[] {
  return rule.cases.flatMap((spec: CompiledCase): NewOperation[] => {
    if (!spec.link) return [];
    return [{
      id: newId(), eventId: post.id, mappingId: crisisMappingId(rule.id), destination: spec.destination, object: spec.link.object, operation: 'update',
      matchKey: spec.link.matchKey, matchValue: post.post, recordKey: post.post, orderingKey: `${spec.destination}:${post.order}`,
      fields: { [spec.link.matchKey]: post.post },
      references: [{ field: spec.link.field, object: spec.object, key: incidentRecordKey(incidentId), bind: 'wait' }],
    }];
  });
}
