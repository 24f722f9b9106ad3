/**
 * Build of the authenticator PWA (`pwa/` → `dist/pwa`, served at `/app/`).
 *
 * `npm run build:pwa` builds it; `npm run preview` serves the build alone at
 * http://localhost:4173/app/. The server serves the same folder statically at `/app/`.
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

export default defineConfig({
  root: 'pwa',
  base: '/app/',
  publicDir: '../public',
  define: { __APP_VERSION__: JSON.stringify(version) },
  build: {
    outDir: '../dist/pwa',
    emptyOutDir: true,
    target: 'es2022',
    // The first-paint budget is measured by bench/pwa.bench.ts; keep chunks honest, no inlined modulepreload polyfill.
    modulePreload: { polyfill: false },
  },
  preview: { port: 4173, strictPort: false },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      includeAssets: ['icons/*.svg', 'icons/*.png'],
      injectManifest: {
        rollupFormat: 'iife',
        // wasm: the QR decoder (loaded by the scanning worker), so scanning works offline too.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm}'],
      },
      manifest: {
        id: '/app/',
        name: 'MFA Companion',
        short_name: 'MFA Companion',
        description:
          'Offline authenticator: one-time codes from an encrypted vault on this device.',
        start_url: '/app/',
        scope: '/app/',
        display: 'standalone',
        theme_color: '#1b4d8c',
        background_color: '#ffffff',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: 'icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
        // Sharing a QR screenshot or an otpauth:// link to the installed app opens the add screen;
        // the service worker answers the POST (pwa/sw/share-target.ts), no server involved.
        share_target: {
          action: '/app/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { text: 'text', url: 'url', files: [{ name: 'image', accept: ['image/*'] }] },
        },
        shortcuts: [
          {
            name: 'Add an account',
            short_name: 'Add',
            url: '/app/#/add',
            icons: [{ src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' }],
          },
        ],
      },
    }),
  ],
});
