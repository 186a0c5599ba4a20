/**
 * `parley/testing`: the conformance kit. A vendor runs it from their own vitest suite against their
 * connector (and, for a destination, its sandbox): `describeSourceConformance` and
 * `describeDestinationConformance` declare the suites; `checkSourceConformance` and
 * `checkDestinationConformance` answer the same verdicts as plain data. docs/connectors.md shows how.
 */
export { checkSourceConformance, SOURCE_CONTRACTS, type SourceConformanceOptions, type SourceSample } from './source.ts';
export { checkDestinationConformance, DESTINATION_CONTRACTS, type DestinationConformanceOptions } from './destination.ts';
export { startSandbox, type StartedSandbox } from './sandbox.ts';
export { describeSourceConformance, describeDestinationConformance, SUITE_PREFIX } from './vitest.ts';
export { ConformanceReporter } from './reporter.ts';
export { failureSummary, type ConformanceReport, type ContractVerdict } from './verdict.ts';
