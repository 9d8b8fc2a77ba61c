import { createTestDatabase, describeWithServer } from '@zcp/testkit';
import { createPostgresStore } from '../../storage/index.js';
import { ledgerContract } from './ledger-contract.js';

await describeWithServer(['postgres'], 'carbon ledger (real PostgreSQL)', () => {
  ledgerContract('postgres', async () => {
    const db = await createTestDatabase('zcp_relay_ledger');
    const store = await createPostgresStore({ url: db.url });
    await store.migrate();
    return {
      store,
      async cleanup() {
        await store.close();
        await db.drop();
      },
    };
  });
});
