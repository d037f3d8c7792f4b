import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Built files are served by Django: index.html at `/` (and any non-API path),
// assets under /static/app/.
export default defineConfig({
  base: '/static/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8123' },
  },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
