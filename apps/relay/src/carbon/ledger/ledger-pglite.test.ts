import { createPgliteStore } from '../../storage/index.js';
import { ledgerContract } from './ledger-contract.js';

ledgerContract('pglite (in memory)', async () => {
  const store = await createPgliteStore();
  await store.migrate();
  return { store, cleanup: () => store.close() };
});
