import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'connectors/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests that start the service as a child process need a little more than the 5 s default.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
