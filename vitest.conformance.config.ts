import { defineConfig } from 'vitest/config';
import { ConformanceReporter } from './src/conformance/reporter.ts';

// `npm run test:conformance`: the conformance kit against every built-in connector, and every
// example plugin's own conformance suite (examples/<plugin>/**/conformance*.test.ts, which calls
// parley/testing as a vendor does), one line per connector with its verdict (PASS, or FAIL with
// the contracts it breaks).
export default defineConfig({
  test: {
    include: ['test/conformance-builtins.test.ts', 'examples/**/conformance*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: [new ConformanceReporter()],
  },
});
