import vue from '@vitejs/plugin-vue';
import { defaultClientConditions, defineConfig } from 'vite';

/** Where `vite dev` forwards /api and /socket.io; the relay serves both on one origin in production. */
const RELAY_URL = process.env.ZCP_RELAY_URL ?? 'http://localhost:8080';

/**
 * `source` first so '@zcp/model' resolves to its TypeScript source (its exports map has a
 * `source` condition); the rest are Vite's browser defaults, so no node-only entry is picked.
 */
export default defineConfig({
  plugins: [vue()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  define: {
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  server: {
    proxy: {
      '/api': { target: RELAY_URL, changeOrigin: true },
      '/socket.io': { target: RELAY_URL, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Babylon and ECharts load lazily (dynamic imports), each in chunks of their own.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](@vue|vue|vue-i18n|@intlify|pinia|socket\.io-client|engine\.io-client|engine\.io-parser|socket\.io-parser|@socket\.io)[\\/]/,
              priority: 2,
            },
          ],
        },
      },
    },
  },
});
