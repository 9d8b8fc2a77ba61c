import { createTestDatabase } from '@zcp/testkit';
import { createPgliteStore, createPostgresStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';

/** A migrated store a test owns, and how to remove it (its database too, on a real server). */
export interface MigratedStore {
  store: ReadingStore;
  cleanup(): Promise<void>;
}

/** A throwaway database on the real PostgreSQL (name from `prefix`), migrated; cleanup drops it. */
export async function migratedPostgresStore(prefix: string): Promise<MigratedStore> {
  const db = await createTestDatabase(prefix);
  const store = await createPostgresStore({ url: db.url });
  await store.migrate();
  return {
    store,
    async cleanup() {
      await store.close();
      await db.drop();
    },
  };
}

/** An in-memory PGlite store, migrated. */
export async function migratedPgliteStore(): Promise<MigratedStore> {
  const store = await createPgliteStore({});
  await store.migrate();
  return { store, cleanup: () => store.close() };
}
