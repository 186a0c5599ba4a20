import { beforeAll, describe, it, type TestContext } from 'vitest';
import { DESTINATION_CONTRACTS, checkDestinationConformance, type DestinationConformanceOptions } from './destination.ts';
import { SOURCE_CONTRACTS, checkSourceConformance, type SourceConformanceOptions } from './source.ts';
import type { ConformanceReport } from './verdict.ts';

/** The name of the suite the wrappers declare: `ConformanceReporter` prints one line per such suite. */
export const SUITE_PREFIX = 'conformance:';

// Fixtures, a sandbox, a login and several writes: far more than vitest's 10 s hook default.
const CHECK_TIMEOUT_MS = 180_000;

/**
 * Declares a vitest suite `conformance: source <id>` with one test per source contract
 * (`SOURCE_CONTRACTS`); a broken contract fails its test with the kit's message.
 * @example describeSourceConformance({ definition, config: { secret: 'test' }, samples, sign: (body, c) => ({ 'x-sig': sign(c.secret, body) }) });
 */
export function describeSourceConformance<C, B>(options: SourceConformanceOptions<C, B>): void {
  suite(`${SUITE_PREFIX} source ${options.definition.id}`, [...SOURCE_CONTRACTS], () => checkSourceConformance(options));
}

/**
 * Declares a vitest suite `conformance: destination <id>` with one test per destination contract
 * and one `classify.<fault>` test per fault; the sandbox runs for the suite's duration.
 */
export function describeDestinationConformance<C>(options: DestinationConformanceOptions<C>): void {
  const contracts = DESTINATION_CONTRACTS.flatMap((c) => (c === 'classify' ? Object.keys(options.faults).map((f) => `classify.${f}`) : [c]));
  suite(`${SUITE_PREFIX} destination ${options.definition.id}`, contracts.length > 0 ? contracts : [...DESTINATION_CONTRACTS], () => checkDestinationConformance(options));
}

function suite(name: string, contracts: string[], check: () => Promise<ConformanceReport>): void {
  describe(name, () => {
    let report: ConformanceReport | undefined;
    beforeAll(async () => { report = await check(); }, CHECK_TIMEOUT_MS);
    for (const contract of contracts) it(contract, (ctx) => assertVerdict(report, contract, ctx));
  });
}

function assertVerdict(report: ConformanceReport | undefined, contract: string, ctx: TestContext): void {
  if (!report) throw new Error('the conformance check did not run');
  const verdict = report.verdicts.find((v) => v.contract === contract);
  if (!verdict) throw new Error(`${contract}: the kit gave no verdict`);
  if (verdict.status === 'skipped') ctx.skip(verdict.message);
  if (verdict.status === 'failed') throw new Error(`${contract}: ${verdict.message}`);
}
