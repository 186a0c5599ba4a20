import { defineConfig } from 'vitest/config';

// This package's own tests, as a vendor runs them in their plugin's repository:
// `npx vitest run --config examples/dynamics-365/vitest.config.ts` from Parley's root. Parley's
// `npm run test:conformance` picks up test/conformance.test.ts itself (vitest.conformance.config.ts).
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
