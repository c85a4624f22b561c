/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API is served on the same origin (`scheduler dev` locally, CloudFront in the cloud);
// during `npm run dev` Vite forwards it to a local stack.
const apiTarget = process.env.SCHEDULER_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/graphql': apiTarget },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  test: {
    globals: true,
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    testTimeout: 20_000,
    // Times in tests are read in one known zone, whatever the machine's.
    env: { TZ: 'UTC' },
  },
});
