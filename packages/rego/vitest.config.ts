// Test settings when the Rego package is tested on its own (`npm test -w packages/rego`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
