import { describe, expect, it } from 'vitest';
import * as sdk from 'parley/sdk';
import * as testing from 'parley/testing';
import * as sdkSource from '../src/connectors/index.ts';

// A plugin imports Parley only through the package's entry points (package.json "exports"); inside
// this repository they resolve by package self-reference, to the sources under vitest (the
// `development` condition) and to dist/ under plain Node.
describe('package entry points', () => {
  it('parley/sdk is the SDK barrel itself: the same module, not a copy', () => {
    expect(sdk.defineSource).toBe(sdkSource.defineSource);
    expect(sdk.defineDestination).toBe(sdkSource.defineDestination);
    expect(sdk.SDK_VERSION).toBe(sdkSource.SDK_VERSION);
  });

  it('parley/testing gives the conformance kit: checks, vitest wrappers and the reporter', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'ConformanceReporter', 'DESTINATION_CONTRACTS', 'SOURCE_CONTRACTS', 'SUITE_PREFIX', 'checkDestinationConformance',
      'checkSourceConformance', 'describeDestinationConformance', 'describeSourceConformance', 'failureSummary', 'startSandbox',
    ]);
  });
});
