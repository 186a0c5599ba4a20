import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The example plugins' own suites too (examples/<plugin>/), as their vendors would run them.
    include: ['src/**/*.test.ts', 'connectors/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Tests that start the service as a child process need a little more than the 5 s default.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
