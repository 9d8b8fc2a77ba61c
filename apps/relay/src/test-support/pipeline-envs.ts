import { type Bus, connectNatsBus, createMemoryBus } from '@zcp/bus';
import { createTestDatabase, describeWithServer, serverUrls } from '@zcp/testkit';
import { createPgliteStore, createPostgresStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';

/** A bus and a migrated store for one test, and how to tear both down. */
export interface PipelineEnv {
  bus: Bus;
  store: ReadingStore;
  cleanup(): Promise<void>;
}

/**
 * Runs a pipeline suite against both implementations: the embedded ones (in-process bus +
 * PGlite) and the real servers (NATS JetStream + a throwaway PostgreSQL database).
 *
 * @example
 * await forEachPipelineEnv('zcp_relay', (name, make) => relayPipelineContract(name, make))
 */
export async function forEachPipelineEnv(dbPrefix: string, suite: (name: string, make: () => Promise<PipelineEnv>) => void): Promise<void> {
  suite('embedded (in-process bus + PGlite)', async () => {
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
    suite('real servers (NATS JetStream + PostgreSQL)', async () => {
      const db = await createTestDatabase(dbPrefix);
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
}
