// Vite builds the console into dist/, which the Trellis server serves at /console/ (its
// console module); `npm start` runs this build when dist/ is missing or older than the sources
// (scripts/build.mjs). Every page is its own chunk (React.lazy in src/routes.tsx); the libraries
// every page needs share one vendor chunk, and the heavy ones (charts, the flow map, the editor)
// load only with the pages that use them.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    // The server's CSP allows scripts only from this origin; no inline module-preload polyfill.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/](core|hooks|notifications|modals)[\\/]/ },
          ],
        },
      },
    },
  },
});
