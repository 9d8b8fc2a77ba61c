import { connectNatsBus, createMemoryBus } from '@zcp/bus';
import { createTestDatabase, describeWithServer, serverUrls } from '@zcp/testkit';
import { relayPipelineContract } from './relay-pipeline-contract.js';
import { createPgliteStore, createPostgresStore } from './storage/index.js';

relayPipelineContract('embedded (in-process bus + PGlite)', async () => {
  const bus = createMemoryBus();
  const store = await createPgliteStore({});
  await store.migrate();
  return {
    bus,
    store,
    cleanup: async () => {
      await bus.close();
      await store.close();
    },
  };
});

await describeWithServer(['nats', 'postgres'], 'real servers', () => {
  relayPipelineContract('real servers (NATS JetStream + PostgreSQL)', async () => {
    const db = await createTestDatabase('zcp_relay');
    const bus = await connectNatsBus({ url: serverUrls.nats });
    const store = await createPostgresStore({ url: db.url });
    await store.migrate();
    return {
      bus,
      store,
      cleanup: async () => {
        await bus.close();
        await store.close();
        await db.drop();
      },
    };
  });
});
