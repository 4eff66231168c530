import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // Native better-sqlite3 handles and Chromium are per process: forks keep workers isolated.
    pool: 'forks',
    // Two workers on the two-core machine: Vitest's default (cores - 1) runs every file one after
    // another, and much of a browser or read-back test waits on Chromium, PSPP or R.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
});
