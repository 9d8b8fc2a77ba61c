import { createTestDatabase, describeWithServer, type TestDatabase } from '@zcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createPgliteStore, createPostgresStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { appendUpdates, compactLog, logLength, readLogTail } from './doc-log-sql.js';

/** Ten Yjs updates of one document (each adds one entry). */
function updates(n: number): { doc: Y.Doc; list: Uint8Array[] } {
  const doc = new Y.Doc();
  const list: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => list.push(u));
  for (let i = 0; i < n; i++) doc.getMap('m').set(`k${i}`, i);
  return { doc, list };
}

function replay(tail: Awaited<ReturnType<typeof readLogTail>>): Y.Doc {
  const doc = new Y.Doc();
  if (tail.snapshot) Y.applyUpdate(doc, tail.snapshot.state);
  for (const u of tail.updates) Y.applyUpdate(doc, u.bytes);
  return doc;
}

/** The same log SQL on both backends (the all-in-one default runs on PGlite). */
function docLogContract(name: string, open: () => Promise<{ store: ReadingStore; cleanup(): Promise<void> }>) {
  describe(`document log SQL: ${name}`, () => {
    let store: ReadingStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.migrate();
    });
    afterAll(async () => cleanup());

    it('numbers appended updates in order per document, reads tails, compacts into a snapshot', async () => {
      const { doc, list } = updates(10);
      expect(await appendUpdates(store.sql, 'p/a', list.slice(0, 3))).toEqual([1, 2, 3]);
      expect(await appendUpdates(store.sql, 'p/b', list.slice(0, 1))).toEqual([1]);
      expect(await appendUpdates(store.sql, 'p/a', list.slice(3, 6))).toEqual([4, 5, 6]);
      const tail = await readLogTail(store.sql, 'p/a', 4);
      expect(tail.snapshot).toBeUndefined();
      expect(tail.updates.map((u) => u.seq)).toEqual([5, 6]);
      expect(tail.updates[0]?.bytes).toEqual(list[4]);

      expect(await compactLog(store.sql, 'p/a')).toMatchObject({ merged: 6, throughSeq: 6 });
      expect(await logLength(store.sql, 'p/a')).toBe(0);
      expect(await compactLog(store.sql, 'p/a')).toMatchObject({ merged: 0, throughSeq: 6 });
      expect(await appendUpdates(store.sql, 'p/a', list.slice(6))).toEqual([7, 8, 9, 10]);

      // A reader behind the snapshot gets the snapshot and the rows after it; one ahead only rows.
      const behind = await readLogTail(store.sql, 'p/a', 2);
      expect(behind.snapshot?.throughSeq).toBe(6);
      expect(behind.updates.map((u) => u.seq)).toEqual([7, 8, 9, 10]);
      expect((await readLogTail(store.sql, 'p/a', 8)).updates.map((u) => u.seq)).toEqual([9, 10]);
      expect(
        replay(await readLogTail(store.sql, 'p/a', 0))
          .getMap('m')
          .toJSON(),
      ).toEqual(doc.getMap('m').toJSON());
      expect(await logLength(store.sql, 'p/b')).toBe(1);
    });

    it('compacts a long log in chunks of at most maxRows, oldest first', async () => {
      const { doc, list } = updates(5);
      await appendUpdates(store.sql, 'p/c', list);
      expect(await compactLog(store.sql, 'p/c', 2)).toMatchObject({ merged: 2, throughSeq: 2 });
      expect(
        replay(await readLogTail(store.sql, 'p/c', 0))
          .getMap('m')
          .toJSON(),
      ).toEqual(doc.getMap('m').toJSON());
      expect(await compactLog(store.sql, 'p/c', 2)).toMatchObject({ merged: 2, throughSeq: 4 });
      expect(await compactLog(store.sql, 'p/c')).toMatchObject({ merged: 1, throughSeq: 5 });
      expect(await logLength(store.sql, 'p/c')).toBe(0);
      expect(
        replay(await readLogTail(store.sql, 'p/c', 0))
          .getMap('m')
          .toJSON(),
      ).toEqual(doc.getMap('m').toJSON());
    });
  });
}

docLogContract('PGlite', async () => {
  const store = await createPgliteStore({});
  return { store, cleanup: () => store.close() };
});

await describeWithServer(['postgres'], 'document log SQL on PostgreSQL', () => {
  let db: TestDatabase;
  docLogContract('PostgreSQL', async () => {
    db = await createTestDatabase('zcp_collab_log');
    const store = await createPostgresStore({ url: db.url });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.drop();
      },
    };
  });
});
