import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The GraphQL IDE's page (src/graphiql), built into the Python package, which serves the page at
// GET /graphql and its files under /docs/graphiql/ (service/entrypoints/graphql_ide.py): the
// API Lambda ships them, and the page loads nothing from another host.
const outDir = fileURLToPath(new URL('../service/entrypoints/static/graphiql', import.meta.url));

export default defineConfig({
  plugins: [react()],
  root: fileURLToPath(new URL('./src/graphiql', import.meta.url)),
  base: '/docs/graphiql/',
  // The editor's language workers split into chunks of their own, which only ES workers can load.
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Monaco, GraphiQL's editor, is one large chunk; it is loaded by this page alone.
    chunkSizeWarningLimit: 5000,
    rollupOptions: {
      onwarn(warning, warn) {
        // GraphiQL marks modules "use no memo" for the React compiler; a bundle drops the mark.
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
