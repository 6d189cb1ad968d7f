import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The real server (`ent serve`) listens on 8080 in development.
const API_ORIGIN = process.env.ENT_API_ORIGIN ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // The server generates /manifest.webmanifest from its configuration.
      manifest: false,
      // Registered from src/sw-register.ts (no inline script: strict CSP).
      injectRegister: false,
      injectManifest: {
        // Only what the build produces: a 404 in the precache list breaks install.
        globPatterns: ['**/*.{js,css,html,png,svg}'],
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // No inline modulepreload polyfill and no data: URLs: the CSP is strict.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': API_ORIGIN,
      '/manifest.webmanifest': API_ORIGIN,
    },
  },
});
