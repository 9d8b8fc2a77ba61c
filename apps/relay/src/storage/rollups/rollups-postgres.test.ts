import { createTestDatabase, describeWithServer } from '@zcp/testkit';
import { createPostgresStore } from '../postgres-store.js';
import { rollupContract } from './rollup-contract.js';

await describeWithServer(['postgres'], 'rollups (real PostgreSQL)', () => {
  rollupContract('postgres', async () => {
    const db = await createTestDatabase('zcp_relay_rollup');
    // Several connections, so the "two workers" test really runs rounds side by side.
    const store = await createPostgresStore({ url: db.url, maxConnections: 4 });
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
