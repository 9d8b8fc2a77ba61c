import type { Quality, Reading } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrations.js';
import { MAX_TS_MS } from './reading-sql.js';
import type { ReadingStore } from './reading-store.js';
import { StorageError } from './storage-error.js';

/** What a backend's test file hands the contract: a migrated-or-not store and its teardown. */
export interface ContractSubject {
  store: ReadingStore;
  cleanup(): Promise<void>;
}

const MINUTE_MS = 60_000;
/** A minute boundary (1_700_000_040_000 = 28_333_334 min), so expected bucket starts read plainly. */
const T0 = 28_333_334 * MINUTE_MS;

function reading(pointId: number, ts: number, value: number, quality: Quality = 'good'): Reading {
  return { pointId, ts, value, quality };
}

/**
 * The behaviour every ReadingStore must show, run against each backend (PostgreSQL and
 * PGlite). One store per suite: `make` is called once, and each test writes to its own
 * point ids so the tests stay independent of order.
 *
 * @example
 * readingStoreContract('pglite', async () => { const store = await createPgliteStore(); return { store, cleanup: () => store.close() } })
 */
export function readingStoreContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`ReadingStore contract: ${name}`, () => {
    let subject: ContractSubject | undefined;
    let firstMigrate: { applied: string[] };
    const store = (): ReadingStore => {
      if (!subject) throw new Error('store not created: beforeAll failed');
      return subject.store;
    };

    beforeAll(async () => {
      subject = await make();
      firstMigrate = await subject.store.migrate();
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    describe('migrate', () => {
      it('applies every migration file, in order, on a fresh database', async () => {
        const versions = (await loadMigrations()).map((m) => m.version);
        expect(versions[0]).toBe('0001_readings');
        expect(firstMigrate.applied).toEqual(versions);
      });

      it('is idempotent: a second call applies nothing and keeps the data', async () => {
        await store().insertReadings([reading(1, T0, 1)]);
        expect(await store().migrate()).toEqual({ applied: [] });
        expect(await store().count([1])).toBe(1);
      });
    });

    describe('insertReadings', () => {
      it('stores a batch and reports how many rows it inserted; count() filters by point', async () => {
        const batch = [reading(101, T0, 1), reading(101, T0 + 1, 2), reading(102, T0, 3)];
        expect(await store().insertReadings(batch)).toEqual({ inserted: 3 });
        expect(await store().count([101, 102])).toBe(3);
        expect(await store().count([101])).toBe(2);
        expect(await store().count([103])).toBe(0);
        expect(await store().count([])).toBe(0);
        expect(await store().count()).toBeGreaterThanOrEqual(3);
      });

      it('an empty batch inserts nothing', async () => {
        expect(await store().insertReadings([])).toEqual({ inserted: 0 });
      });

      it('a redelivered batch inserts 0 rows and leaves the count unchanged', async () => {
        const batch = [reading(111, T0, 1), reading(111, T0 + 1000, 2), reading(112, T0, 3)];
        expect(await store().insertReadings(batch)).toEqual({ inserted: 3 });
        expect(await store().insertReadings(batch)).toEqual({ inserted: 0 });
        expect(await store().count([111, 112])).toBe(3);
      });

      it('a partly redelivered batch inserts only the new keys and keeps stored values', async () => {
        expect(await store().insertReadings([reading(121, T0, 1)])).toEqual({ inserted: 1 });
        expect(await store().insertReadings([reading(121, T0, 99, 'bad'), reading(121, T0 + 1, 2)])).toEqual({ inserted: 2 - 1 });
        expect(await store().latest([121])).toEqual([{ pointId: 121, ts: T0 + 1, value: 2, quality: 0 }]);
        expect(await store().history(121, T0, T0 + 1, 1)).toEqual([{ t: T0, avg: 1, min: 1, max: 1, last: 1, n: 1 }]);
      });

      it('a (pointId, ts) repeated inside one batch is stored once, first occurrence wins, no error', async () => {
        const batch = [reading(131, T0, 1), reading(132, T0, 5), reading(131, T0, 2, 'bad'), reading(131, T0, 3)];
        expect(await store().insertReadings(batch)).toEqual({ inserted: 2 });
        expect(await store().count([131, 132])).toBe(2);
        expect(await store().latest([131])).toEqual([{ pointId: 131, ts: T0, value: 1, quality: 0 }]);
      });

      it('rejects an invalid reading with code invalid_reading and stores none of the batch', async () => {
        const bad = [reading(141, T0, 1), reading(141, T0 + 1, Number.NaN)];
        await expect(store().insertReadings(bad)).rejects.toMatchObject({ name: 'StorageError', code: 'invalid_reading' });
        await expect(store().insertReadings([reading(141, 1.5, 1)])).rejects.toBeInstanceOf(StorageError);
        await expect(store().insertReadings([reading(0, T0, 1)])).rejects.toMatchObject({ code: 'invalid_reading' });
        expect(await store().count([141])).toBe(0);
      });

      it('keeps quality codes (good 0, uncertain 1, bad 2, stale 3)', async () => {
        const qualities: Quality[] = ['good', 'uncertain', 'bad', 'stale'];
        await store().insertReadings(qualities.map((q, i) => reading(151 + i, T0, i, q)));
        const states = await store().latest([151, 152, 153, 154]);
        expect(states.map((s) => [s.pointId, s.quality])).toEqual([
          [151, 0],
          [152, 1],
          [153, 2],
          [154, 3],
        ]);
      });

      it('stores a 10,000-row batch in one call', async () => {
        const batch = Array.from({ length: 10_000 }, (_, i) =>
          reading(161 + (i % 10), T0 + Math.floor(i / 10) * 1000, i / 7, i % 3 === 0 ? 'uncertain' : 'good'),
        );
        expect(await store().insertReadings(batch)).toEqual({ inserted: 10_000 });
        expect(await store().count([161, 162, 163, 164, 165, 166, 167, 168, 169, 170])).toBe(10_000);
        expect(await store().insertReadings(batch)).toEqual({ inserted: 0 });
        const [last] = await store().latest([170]);
        expect(last).toEqual({ pointId: 170, ts: T0 + 999_000, value: 9999 / 7, quality: 1 });
      });
    });

    describe('values round-trip exactly', () => {
      const values = [0.1 + 0.2, -1e-300, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 123_456_789.123_456_79, -0.5, 0, 2 ** 53 + 2];
      const times = [0, 1, 999, T0 + 123, 1_999_999_999_999, 4_102_444_800_001, 100_000_000_000_000, MAX_TS_MS - 1, MAX_TS_MS];

      it('float8 values and epoch-ms timestamps, including the extremes, come back identical', async () => {
        const batch = values.map((v, i) => reading(201, times[i] as number, v, 'uncertain'));
        expect(await store().insertReadings(batch)).toEqual({ inserted: values.length });
        // Buckets of 1 ms: each holds one reading, so avg, min, max and last all echo it.
        const buckets = await store().history(201, 0, MAX_TS_MS + 1, 1);
        expect(buckets).toEqual(values.map((v, i) => ({ t: times[i], avg: v, min: v, max: v, last: v, n: 1 })));
        for (const b of buckets) expect(Number.isInteger(b.t)).toBe(true);
        expect(await store().latest([201])).toEqual([{ pointId: 201, ts: MAX_TS_MS, value: 2 ** 53 + 2, quality: 1 }]);
      });

      it('rejects timestamps outside 0..MAX_TS_MS instead of storing a shifted instant', async () => {
        await expect(store().insertReadings([reading(202, MAX_TS_MS + 1, 1)])).rejects.toMatchObject({ code: 'invalid_reading' });
        await expect(store().insertReadings([reading(202, -1, 1)])).rejects.toMatchObject({ code: 'invalid_reading' });
      });
    });

    describe('history', () => {
      const P = 301;
      beforeAll(async () => {
        // Inserted out of time order, so `last` must follow ts, not insertion order.
        await store().insertReadings([
          reading(P, T0 + 59_999, 2.5), // bucket 0, last
          reading(P, T0, 1), // bucket 0
          reading(P, T0 + 10_000, 4), // bucket 0
          // bucket 1 (T0 + 60 s) empty
          reading(P, T0 + 120_000, -7.5), // bucket 2
          reading(P, T0 + 180_001, 20), // bucket 3, last
          reading(P, T0 + 180_000, 10), // bucket 3
          reading(P + 1, T0 + 30_000, 1000), // another point, never in P's history
        ]);
      });

      it('returns one bucket per non-empty bucketMs slot, oldest first, with exact avg/min/max/last/n', async () => {
        expect(await store().history(P, T0, T0 + 240_000, MINUTE_MS)).toEqual([
          { t: T0, avg: 2.5, min: 1, max: 4, last: 2.5, n: 3 },
          { t: T0 + 120_000, avg: -7.5, min: -7.5, max: -7.5, last: -7.5, n: 1 },
          { t: T0 + 180_000, avg: 15, min: 10, max: 20, last: 20, n: 2 },
        ]);
      });

      it('from is inclusive, to is exclusive; a bucket may start before from but holds only readings in range', async () => {
        expect(await store().history(P, T0 + 10_000, T0 + 180_000, MINUTE_MS)).toEqual([
          { t: T0, avg: 3.25, min: 2.5, max: 4, last: 2.5, n: 2 },
          { t: T0 + 120_000, avg: -7.5, min: -7.5, max: -7.5, last: -7.5, n: 1 },
        ]);
        expect(await store().history(P, T0 + 180_000, T0 + 180_001, MINUTE_MS)).toEqual([{ t: T0 + 180_000, avg: 10, min: 10, max: 10, last: 10, n: 1 }]);
      });

      it('aligns buckets to the epoch: start = floor(ms / bucketMs) * bucketMs', async () => {
        const bucketMs = 7_000;
        const [first, ...rest] = await store().history(P, T0, T0 + 240_000, bucketMs);
        expect(first).toEqual({ t: Math.floor(T0 / bucketMs) * bucketMs, avg: 1, min: 1, max: 1, last: 1, n: 1 });
        expect(rest.map((b) => b.t)).toEqual([T0 + 10_000, T0 + 59_999, T0 + 120_000, T0 + 180_000].map((ms) => Math.floor(ms / bucketMs) * bucketMs));
        expect(rest.at(-1)).toEqual({ t: Math.floor((T0 + 180_000) / bucketMs) * bucketMs, avg: 15, min: 10, max: 20, last: 20, n: 2 });
      });

      it('one bucket wider than the range summarises everything in it', async () => {
        const dayMs = 86_400_000;
        expect(await store().history(P, T0, T0 + dayMs, dayMs)).toEqual([{ t: Math.floor(T0 / dayMs) * dayMs, avg: 5, min: -7.5, max: 20, last: 20, n: 6 }]);
      });

      it('an empty range, a reversed range and a range without data return []', async () => {
        expect(await store().history(P, T0, T0, MINUTE_MS)).toEqual([]);
        expect(await store().history(P, T0 + 1000, T0, MINUTE_MS)).toEqual([]);
        expect(await store().history(P, T0 + 60_000, T0 + 120_000, MINUTE_MS)).toEqual([]);
        expect(await store().history(P + 50, T0, T0 + 240_000, MINUTE_MS)).toEqual([]);
      });

      it('rejects a non-positive or fractional bucketMs and fractional bounds with code invalid_query', async () => {
        const cases: [pointId: number, fromMs: number, toMs: number, bucketMs: number][] = [
          [P, T0, T0 + 1, 0],
          [P, T0, T0 + 1, -5],
          [P, T0, T0 + 1, 1.5],
          [P, T0 + 0.5, T0 + 1, 1],
        ];
        for (const args of cases) {
          await expect(store().history(...args)).rejects.toMatchObject({ name: 'StorageError', code: 'invalid_query' });
        }
      });
    });

    describe('latest', () => {
      beforeAll(async () => {
        await store().insertReadings([
          reading(401, T0 + 2000, 2, 'uncertain'),
          reading(401, T0 + 1000, 1),
          reading(402, T0 + 5000, -5),
          reading(402, T0 + 9000, -9, 'stale'),
          reading(403, T0, 3),
        ]);
      });

      it('returns the newest reading of each requested point, ordered by pointId, skipping unknown ids', async () => {
        expect(await store().latest([402, 401, 401, 999_999])).toEqual([
          { pointId: 401, ts: T0 + 2000, value: 2, quality: 1 },
          { pointId: 402, ts: T0 + 9000, value: -9, quality: 3 },
        ]);
        expect(await store().latest([])).toEqual([]);
      });

      it('without ids returns exactly one state per stored point', async () => {
        const all = await store().latest();
        const ids = all.map((s) => s.pointId);
        expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
        expect(all.filter((s) => s.pointId >= 401 && s.pointId <= 403)).toEqual([
          { pointId: 401, ts: T0 + 2000, value: 2, quality: 1 },
          { pointId: 402, ts: T0 + 9000, value: -9, quality: 3 },
          { pointId: 403, ts: T0, value: 3, quality: 0 },
        ]);
        expect(all.length).toBeGreaterThanOrEqual(3);
      });
    });

    it('ping() answers true while open', async () => {
      expect(await store().ping()).toBe(true);
    });

    // Last on purpose: retention drops every partition before its cutoff (1970's included).
    describe('partitions and retention', () => {
      const DAY = 86_400_000;
      const NOW = Date.UTC(1980, 2, 1, 12); // 1980-03-01T12:00Z
      const tables = [{ table: 'readings', unit: 'day' as const, ahead: 2, retentionDays: 30 }];

      it('creates today and `ahead` days once, stores into a day it never saw, and drops whole days past retention', async () => {
        const first = await store().maintainPartitions(tables, NOW);
        expect(first.created).toBe(3); // 03-01, 03-02, 03-03
        expect((await store().maintainPartitions(tables, NOW)).created).toBe(0);
        // A late reading 50 days back and one today: the writer creates the old day's partition itself.
        const old = Date.UTC(1980, 0, 10, 8);
        expect((await store().insertReadings([reading(501, old, 1), reading(501, NOW, 2)])).inserted).toBe(2);
        expect(await store().count([501])).toBe(2);

        const later = await store().maintainPartitions(tables, NOW + DAY);
        expect(later.dropped).toContain('readings_p19800110');
        expect(later.dropped).not.toContain('readings_p19800301');
        expect(await store().count([501])).toBe(1);
        expect((await store().history(501, NOW - DAY, NOW + DAY, DAY)).map((b) => b.last)).toEqual([2]);
        // The dropped day is writable again (the writer forgets what it knew and re-creates it).
        expect((await store().insertReadings([reading(502, old, 3)])).inserted).toBe(1);
        expect(await store().count([502])).toBe(1);
      });
    });
  });
}
