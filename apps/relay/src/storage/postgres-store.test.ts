import { createTestDatabase, describeWithServer } from '@zcp/testkit';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from './migrations.js';
import { createPostgresStore } from './postgres-store.js';
import { readingStoreContract } from './reading-store-contract.js';

await describeWithServer(['postgres'], 'postgres store (real PostgreSQL)', () => {
  readingStoreContract('postgres', async () => {
    const db = await createTestDatabase('zcp_relay_store');
    const store = await createPostgresStore({ url: db.url, maxConnections: 4 });
    return {
      store,
      async cleanup() {
        await store.close();
        await db.drop();
      },
    };
  });

  describe('migrations under concurrency', () => {
    it('several relays migrating one fresh database at once apply each migration exactly once', async () => {
      const db = await createTestDatabase('zcp_relay_migrate');
      const stores = await Promise.all(Array.from({ length: 4 }, () => createPostgresStore({ url: db.url, maxConnections: 1 })));
      try {
        const results = await Promise.all(stores.map((s) => s.migrate()));
        const versions = (await loadMigrations()).map((m) => m.version);
        expect(results.flatMap((r) => r.applied).sort()).toEqual(versions);
        const sql = postgres(db.url, { max: 1 });
        try {
          const rows = await sql`select version from schema_migrations order by version`;
          expect(rows.map((r) => r.version)).toEqual(versions);
        } finally {
          await sql.end();
        }
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await db.drop();
      }
    });
  });

  describe('lifecycle', () => {
    it('ping() is false after close(), and close() twice is harmless', async () => {
      const db = await createTestDatabase('zcp_relay_ping');
      const store = await createPostgresStore({ url: db.url, maxConnections: 1 });
      try {
        expect(await store.ping()).toBe(true);
        await store.close();
        await store.close();
        expect(await store.ping()).toBe(false);
      } finally {
        await db.drop();
      }
    });
  });
});

describe('postgres store without a server', () => {
  it('ping() answers false (and logs a warning) instead of throwing when nothing listens', async () => {
    const warnings: object[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (obj: object) => warnings.push(obj) };
    // Port 1 on loopback: connection refused at once, so the ping fails fast.
    const store = await createPostgresStore({ url: 'postgres://nobody@127.0.0.1:1/none', logger, maxConnections: 1 });
    try {
      expect(await store.ping()).toBe(false);
      expect(warnings).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
