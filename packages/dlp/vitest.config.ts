// Test settings when the DLP package is tested on its own (`npm test -w packages/dlp`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // re2 is a native module: safest in child processes.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
