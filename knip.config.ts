// Settings for knip (`npm run knip`), which fails CI on unused files, exports and dependencies.
// Entry points are what runs or is loaded from outside: each package's src/index.ts (its public
// API: @trellis/rego and @trellis/dlp are libraries, so what their index.ts exports counts as
// used), the `trellis` CLI, scripts, benchmarks, and the tests and configs that vitest and eslint
// load (knip's vitest and eslint plugins find those). tsx runs the TypeScript; knip reads
// `tsx file.ts` in package scripts as an entry. Modules load their routes, services and
// migrations with `import()`; knip follows it.
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  // A helper exported beside the code that uses it (a detector's confidence function, a
  // validator's decoder) names one part of the file and lets a test import it; it is unused
  // only when nothing, its own file included, uses it.
  ignoreExportsUsedInFile: true,
  workspaces: {
    '.': {
      entry: ['scripts/*.{ts,mjs}', 'bench/**/*.ts'],
      project: ['scripts/**/*.{ts,mjs}', 'bench/**/*.ts'],
      // bench/http drives load with wrk, installed from Debian's packages, not npm.
      ignoreBinaries: ['wrk'],
      // bench/gateway runs autocannon's CLI script in a child process (require.resolve, not an
      // import); the console's browser tests inject axe-core's script file into the page.
      ignoreDependencies: ['autocannon', 'axe-core'],
    },
    'packages/rego': {
      project: ['src/**/*.ts'],
    },
    'packages/dlp': {
      project: ['src/**/*.ts'],
    },
    'packages/trellis': {
      // bin/trellis.js (the package's bin) loads src/cli/main.ts through tsx's loader.
      entry: ['src/cli/main.ts', 'test/**/*.test.ts'],
      project: ['bin/*.js', 'src/**/*.{ts,js}', 'test/**/*.ts'],
    },
    'packages/console': {
      // Knip's Vite plugin finds the entry (index.html's src/main.tsx); pages load through routes.tsx's import()s.
      project: ['src/**/*.{ts,tsx}'],
    },
  },
};

export default config;
