import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The renderer bundle. `base: './'` keeps every asset URL relative, so the same build works under
 * Electron's `app://renderer/` and under the web host. No inline scripts (the CSP is `script-src 'self'`),
 * no remote fonts: Fluent's font stack names system fonts only.
 */
// eslint-disable-next-line no-restricted-syntax -- Vite reads the config from the default export.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Never inline assets as data: URLs into scripts or styles; keep every asset a file under 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2500,
  },
  server: { host: '127.0.0.1' },
});
