import { createPgliteStore } from '../pglite-store.js';
import { rollupContract } from './rollup-contract.js';

rollupContract('pglite (in memory)', async () => {
  const store = await createPgliteStore();
  await store.migrate();
  return { store, cleanup: () => store.close() };
});
