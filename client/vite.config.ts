import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const clientDir = dirname(fileURLToPath(import.meta.url));

/**
 * One HTML entry per audience, so respondents never download the staff console. The server serves
 * dist/client/respond/index.html for /s/:token and /code, dist/client/console/index.html for
 * /staff/*, and dist/client/assets/* as static files. The manifest lets test/client/bundles.test.ts
 * check which files each page loads.
 */
export default defineConfig({
  root: clientDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(clientDir, '../dist/client'),
    emptyOutDir: true,
    // React + survey-core + survey-react-ui are ~1.8 MB unsplit; that is expected, not a regression.
    chunkSizeWarningLimit: 2_500,
    manifest: true,
    rolldownOptions: {
      input: {
        respond: resolve(clientDir, 'respond/index.html'),
        console: resolve(clientDir, 'console/index.html'),
      },
    },
  },
});
