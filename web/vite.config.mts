// The console's build: `vite build web` (npm run build) writes dist/web, which src/http/console.ts
// serves at /console. Asset names carry a content hash, so they are cached for a year.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Everything stays a file of its own: the Content-Security-Policy allows no inline script or data: script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `npx vite web` for work on the console: GraphQL goes to a running service on :3000, as if
    // from its own origin (the session's CSRF rule wants PUBLIC_URL's Origin).
    proxy: {
      '/graphql': {
        target: 'http://localhost:3000',
        changeOrigin: true,
        headers: { origin: 'http://localhost:3000' },
      },
    },
  },
});
