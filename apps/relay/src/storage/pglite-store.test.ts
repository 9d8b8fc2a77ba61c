import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPgliteStore } from './pglite-store.js';
import { readingStoreContract } from './reading-store-contract.js';

readingStoreContract('pglite (in memory)', async () => {
  const store = await createPgliteStore();
  return { store, cleanup: () => store.close() };
});

describe('pglite store on disk', () => {
  it('reopening the same dataDir sees the stored readings and has nothing left to migrate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zcp-pglite-'));
    const dataDir = join(dir, 'nested', 'pglite');
    try {
      const first = await createPgliteStore({ dataDir });
      try {
        expect((await first.migrate()).applied).toContain('0001_readings');
        await first.insertReadings([
          { pointId: 7, ts: 1_700_000_000_000, value: 1.25, quality: 'good' },
          { pointId: 7, ts: 1_700_000_000_001, value: -2.5, quality: 'bad' },
        ]);
      } finally {
        await first.close();
      }

      const second = await createPgliteStore({ dataDir });
      try {
        expect(await second.migrate()).toEqual({ applied: [] });
        expect(await second.count()).toBe(2);
        expect(await second.latest()).toEqual([{ pointId: 7, ts: 1_700_000_000_001, value: -2.5, quality: 2 }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ping() is false after close(), and close() twice is harmless', async () => {
    const store = await createPgliteStore();
    expect(await store.ping()).toBe(true);
    await store.close();
    await store.close();
    expect(await store.ping()).toBe(false);
  });
});
