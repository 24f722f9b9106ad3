/**
 * Build of the BMS pages' browser bundle (`server/pages/client/` → `dist/bms`, served by the
 * pages module at `/assets/bms/`). One entry, `main.ts`, which loads each page's module lazily;
 * a manifest lets the server find the hashed file names.
 *
 * `npm run build:bms` builds it; tests build into `.tmp/bms-build/<fingerprint>` with `--outDir`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./client'),
  base: '/assets/bms/',
  publicDir: false,
  build: {
    outDir: here('../../dist/bms'),
    emptyOutDir: true,
    target: 'es2022',
    manifest: true,
    modulePreload: { polyfill: false },
    rollupOptions: { input: here('./client/main.ts') },
  },
});
