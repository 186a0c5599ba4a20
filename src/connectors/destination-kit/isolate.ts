import type { VendorRecordResult } from '../destination-session.ts';
import type { ErrorClass, VendorError, WriteOperation } from '../destination.ts';

/** A record's result, marked when its failure was found to hold for every record of the call. */
export type IsolatedResult = VendorRecordResult & { systemic?: boolean };

/** What isolation needs: one call for some operations, and the connector's reading of an error. */
export interface IsolationDeps {
  /** One CRM call for these operations (rejects when the whole call fails). */
  send(operations: WriteOperation[]): Promise<VendorRecordResult[]>;
  classify(error: unknown): ErrorClass;
  describe(error: unknown): VendorError;
}

/**
 * Sends the operations; when the CRM refuses the whole call for one record's sake (`classify`
 * says `permanent` with scope `record`: a Salesforce request-level JSON_PARSER_ERROR or
 * INVALID_FIELD, where one bad value fails deserialising the body), halves are tried until the bad
 * records are found, so the others are still written. When both halves fail with the same code,
 * the cause is every record (a mapping, not a value): all are marked `systemic`. The normal path
 * costs one call; one bad record about 2·log₂(n) more. Any other failure rejects, as the call did.
 */
export async function sendIsolating(operations: WriteOperation[], deps: IsolationDeps): Promise<IsolatedResult[]> {
  const attempt = async (part: WriteOperation[]): Promise<{ results: IsolatedResult[] } | { refused: unknown }> => {
    try {
      return { results: await deps.send(part) };
    } catch (error) {
      const classification = deps.classify(error);
      if (classification.kind === 'permanent' && classification.scope === 'record') return { refused: error };
      throw error;
    }
  };
  const failed = (error: unknown, systemic: boolean, count: number): IsolatedResult[] =>
    Array.from({ length: count }, () => ({ ok: false as const, error, systemic }));
  const isolate = async (part: WriteOperation[], error: unknown): Promise<IsolatedResult[]> => {
    if (part.length === 1) return failed(error, false, 1);
    const middle = Math.ceil(part.length / 2);
    const halves = [part.slice(0, middle), part.slice(middle)];
    const outcomes = [await attempt(halves[0]!), await attempt(halves[1]!)];
    const code = deps.describe(error).code;
    if (outcomes.every((o) => 'refused' in o && deps.describe(o.refused).code === code)) return failed(error, true, part.length);
    const results: IsolatedResult[] = [];
    for (let i = 0; i < 2; i++) {
      const outcome = outcomes[i]!;
      results.push(...('results' in outcome ? outcome.results : await isolate(halves[i]!, outcome.refused)));
    }
    return results;
  };
  const first = await attempt(operations);
  return 'results' in first ? first.results : isolate(operations, first.refused);
}
