import { describe, expect, it } from 'vitest';
import { describeDestinationConformance } from 'parley/testing';
// The package by its own name (Node's self-reference through package.json "exports"), as a vendor's suite imports it.
import dynamics, { SANDBOX_FAULTS as FAULTS } from 'parley-connector-dynamics-365';

// The conformance kit against this plugin and its own sandbox, as a vendor runs it
// (docs/connectors.md). The batch upserts social profiles by their alternate key, as the default
// mappings do. Each fault the sandbox can inject, with the class classify.ts gives it: service
// protection limits are rate-limited; a duplicate key on the upsert's own key is a race, retried;
// a 401 that outlives a new token is the credentials' problem, permanent.
const faults = {
  '0x80072322': 'rate-limited', '0x80072321': 'rate-limited', '0x80072326': 'rate-limited',
  '0x80040237': 'retryable', 401: 'permanent', 500: 'retryable', 502: 'retryable', 503: 'retryable', 504: 'retryable',
} as const;

describeDestinationConformance({
  definition: dynamics,
  config: { clientId: 'parley-demo', clientSecret: 'parley-demo-secret' },
  badConfig: { clientId: 'parley-demo', clientSecret: 'not-the-secret' },
  batch: {
    object: 'socialprofile', operation: 'upsert', matchKey: 'uniqueprofileid',
    operations: Array.from({ length: 5 }, (_, i) => ({
      id: `op-conformance-${i}`,
      matchValue: `x:conformance-${i}`,
      fields: { uniqueprofileid: `x:conformance-${i}`, profilename: `@conformance${i}`, profilefullname: `Conformance ${i}`, community: 2, profilelink: `https://x.com/conformance${i}` },
    })),
  },
  faults,
});

describe('the dynamics-365 conformance run', () => {
  it('injects every fault the sandbox knows, so a new one cannot go unclassified', () => {
    expect(Object.keys(faults).sort()).toEqual(Object.keys(FAULTS).sort());
  });
});
