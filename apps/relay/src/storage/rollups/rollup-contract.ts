import { createRng, type HistoryBucket, type Reading, type RollupResolution } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingStore } from '../reading-store.js';
import { energyIncreases, historyFromRollups, readHorizonMs } from './rollup-queries.js';
import { type RollupRound, rollupOnce } from './rollup-worker.js';

/** What a backend's test file hands the contract: a migrated store and its teardown. */
export interface RollupSubject {
  store: ReadingStore;
  cleanup(): Promise<void>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Sat 2026-01-10 00:00 UTC. */
const T0 = Date.UTC(2026, 0, 10);
const GRACE_MS = 5_000;
/** Seeding and rolling up a month takes seconds, more on a busy machine. */
const HOOK_TIMEOUT_MS = 120_000;

const reading = (pointId: number, ts: number, value: number): Reading => ({ pointId, ts, value, quality: 'good' });
/** Multiples of 1/4 below 2^20: every sum in these tests is exact in float8, so `toEqual` holds. */
const quarter = (x: number): number => Math.round(x * 4) / 4 + 0; // + 0: no -0

/** Buckets a brute-force scan of the readings gives (what raw history and rollups must match). */
function bruteForce(readings: readonly Reading[], pointId: number, fromMs: number, toMs: number, bucketMs: number): HistoryBucket[] {
  const by = new Map<number, Reading[]>();
  for (const r of readings) {
    if (r.pointId !== pointId || r.ts < fromMs || r.ts >= toMs) continue;
    const t = Math.floor(r.ts / bucketMs) * bucketMs;
    by.set(t, [...(by.get(t) ?? []), r]);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, rs]) => {
      const values = rs.map((r) => r.value);
      const sum = values.reduce((a, b) => a + b, 0);
      const last = rs.reduce((a, b) => (b.ts > a.ts ? b : a));
      return { t, avg: sum / rs.length, min: Math.min(...values), max: Math.max(...values), last: last.value, n: rs.length };
    });
}

/** Counter increase of the readings with from ≤ ts < to, the step from the reading before `from` included, resets from 0. */
function bruteIncrease(readings: readonly Reading[], pointId: number, fromMs: number, toMs: number): number {
  const rs = readings.filter((r) => r.pointId === pointId).sort((a, b) => a.ts - b.ts);
  let total = 0;
  for (let i = 1; i < rs.length; i++) {
    const cur = rs[i] as Reading;
    const prev = rs[i - 1] as Reading;
    if (cur.ts < fromMs || cur.ts >= toMs) continue;
    total += cur.value >= prev.value ? cur.value - prev.value : cur.value;
  }
  return total;
}

/**
 * Rollups and the reads over them, run against each backend. The writer's side of the
 * bargain (raw rows and their pending minute in one transaction) is done here by
 * `store()` + marking, so these tests do not depend on the ingest path.
 *
 * @example
 * rollupContract('pglite', async () => { const store = await createPgliteStore(); await store.migrate(); return { store, cleanup: () => store.close() } })
 */
export function rollupContract(name: string, make: () => Promise<RollupSubject>): void {
  describe(`rollups: ${name}`, () => {
    let subject: RollupSubject | undefined;
    const store = (): ReadingStore => {
      if (!subject) throw new Error('store not created: beforeAll failed');
      return subject.store;
    };
    const write = async (readings: readonly Reading[]): Promise<void> => {
      if (readings.length === 0) return;
      const ts = readings.map((r) => r.ts);
      const lo = new Date(Math.min(...ts)).toISOString();
      const hi = new Date(Math.max(...ts)).toISOString();
      await store().sql.query(`select zcp_ensure_partitions('readings', 'day', $1::timestamptz, $2::timestamptz)`, [lo, hi]);
      for (let i = 0; i < readings.length; i += 5_000) await store().insertReadings(readings.slice(i, i + 5_000));
      await store().sql.query(
        `insert into rollup_pending (bucket) select distinct date_bin('1 minute', to_timestamp(ms / 1000), timestamptz 'epoch') from unnest($1::float8[]) as u (ms) on conflict do nothing`,
        [ts],
      );
    };
    const drain = async (nowMs: number): Promise<RollupRound[]> => {
      const rounds: RollupRound[] = [];
      for (;;) {
        const round = await rollupOnce(store().sql, { nowMs, graceMs: GRACE_MS, maxMinutes: 500 });
        rounds.push(round);
        if (round.minutes < 500) return rounds;
      }
    };

    beforeAll(async () => {
      subject = await make();
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    describe('gauges: rollups equal a brute-force aggregate of raw', () => {
      const P = 11;
      const readings: Reading[] = [];
      beforeAll(async () => {
        const rng = createRng(11);
        // Three days of an irregular gauge (0–40 s apart) for two points, written out of order.
        for (const pointId of [P, P + 1]) {
          for (let ts = T0 + rng.int(0, 999); ts < T0 + 3 * DAY_MS; ts += rng.int(1, 40_000)) readings.push(reading(pointId, ts, quarter(rng.range(-50, 150))));
        }
        await write([...readings].reverse());
        await drain(T0 + 3 * DAY_MS + MINUTE_MS + GRACE_MS);
      }, HOOK_TIMEOUT_MS);

      it('the horizon reaches the last closed minute and nothing closed stays pending', async () => {
        expect(await readHorizonMs(store().sql)).toBe(T0 + 3 * DAY_MS + MINUTE_MS);
        const [pending] = await store().sql.query<{ n: number }>(
          'select count(distinct bucket)::int4 as n from rollup_pending where bucket < $1::timestamptz',
          [new Date(T0 + 3 * DAY_MS).toISOString()],
        );
        expect(pending?.n).toBe(0);
      });

      it.each([
        ['1m', MINUTE_MS],
        ['1h', HOUR_MS],
        ['1d', DAY_MS],
      ] as const)('%s rows hold n, sum, min, max, first and last of their readings', async (level, width) => {
        const rows = await store().sql.query<{ t: number; n: number; sum: number; min: number; max: number; first: number; last: number }>(
          `select (extract(epoch from bucket) * 1000)::float8 as t, n, sum, min, max, first_value as first, last_value as last
           from rollup_${level} where point_id = $1 order by bucket`,
          [P],
        );
        const expected = bruteForce(readings, P, T0, T0 + 3 * DAY_MS, width);
        expect(rows.map((r) => ({ t: r.t, avg: r.sum / r.n, min: r.min, max: r.max, last: r.last, n: r.n }))).toEqual(expected);
        const firsts = new Map<number, number>();
        for (const r of [...readings].filter((x) => x.pointId === P).sort((a, b) => b.ts - a.ts)) firsts.set(Math.floor(r.ts / width) * width, r.value);
        expect(rows.map((r) => r.first)).toEqual(expected.map((b) => firsts.get(b.t)));
      });

      it.each([
        ['1m', 3 * HOUR_MS + 17 * MINUTE_MS, 2 * DAY_MS + 5 * HOUR_MS + 33_333, 5 * MINUTE_MS],
        ['1h', 7 * HOUR_MS + 59 * MINUTE_MS + 1, 3 * DAY_MS, 3 * HOUR_MS],
        ['1d', 13 * HOUR_MS + 1_234, 3 * DAY_MS, DAY_MS],
        ['1d', 0, 3 * DAY_MS, 2 * DAY_MS],
      ] as const)('history at %s over an unaligned range equals the raw buckets', async (resolution, from, to, bucketMs) => {
        const got = await historyFromRollups(store().sql, { pointId: P, fromMs: T0 + from, toMs: T0 + to, bucketMs, resolution });
        const raw = await store().history(P, T0 + from, T0 + to, bucketMs);
        expect(got).toEqual(raw);
        expect(got).toEqual(bruteForce(readings, P, T0 + from, T0 + to, bucketMs));
      });

      it('readings after the horizon (the open minute) come from raw', async () => {
        const open = [reading(P, T0 + 3 * DAY_MS + 1_000, 1000), reading(P, T0 + 3 * DAY_MS + 61_000, 2000)];
        await write(open);
        readings.push(...open);
        await drain(T0 + 3 * DAY_MS + MINUTE_MS + GRACE_MS); // rolls the first minute; the second is still open
        const [pending] = await store().sql.query<{ n: number }>(
          'select count(distinct bucket)::int4 as n from rollup_pending where bucket >= $1::timestamptz',
          [new Date(T0 + 3 * DAY_MS).toISOString()],
        );
        expect(pending?.n).toBe(1);
        const got = await historyFromRollups(store().sql, { pointId: P, fromMs: T0, toMs: T0 + 4 * DAY_MS, bucketMs: DAY_MS, resolution: '1d' });
        expect(got).toEqual(bruteForce(readings, P, T0, T0 + 4 * DAY_MS, DAY_MS));
        expect(got.at(-1)).toEqual({ t: T0 + 3 * DAY_MS, avg: 1500, min: 1000, max: 2000, last: 2000, n: 2 });
      });

      it('late data re-marks its minute and is re-rolled into the minute, hour and day', async () => {
        const late = [reading(P, T0 + DAY_MS + 5 * HOUR_MS + 30_001, 100_000), reading(P, T0 + 2 * HOUR_MS + 1, -100_000)];
        await write(late);
        readings.push(...late);
        // Before the round: still the old rollups for those (already rolled) minutes.
        const stale = await historyFromRollups(store().sql, { pointId: P, fromMs: T0, toMs: T0 + 3 * DAY_MS, bucketMs: DAY_MS, resolution: '1d' });
        expect(stale.map((b) => b.max)).not.toContain(100_000);
        await drain(T0 + 3 * DAY_MS + MINUTE_MS + GRACE_MS);
        for (const [resolution, bucketMs] of [
          ['1m', MINUTE_MS],
          ['1h', HOUR_MS],
          ['1d', DAY_MS],
        ] as const) {
          const got = await historyFromRollups(store().sql, {
            pointId: P,
            fromMs: T0,
            toMs: T0 + 3 * DAY_MS,
            bucketMs: resolution === '1m' ? 15 * MINUTE_MS : bucketMs,
            resolution,
          });
          expect(got).toEqual(bruteForce(readings, P, T0, T0 + 3 * DAY_MS, resolution === '1m' ? 15 * MINUTE_MS : bucketMs));
        }
        expect(await readHorizonMs(store().sql)).toBe(T0 + 3 * DAY_MS + MINUTE_MS);
      });
    });

    describe('counters: energy with resets', () => {
      const C = 21;
      const readings: Reading[] = [];
      const monthStart = Date.UTC(2026, 1, 1);
      const monthEnd = Date.UTC(2026, 2, 1);
      beforeAll(async () => {
        const rng = createRng(21);
        // A counter from late January to early March, readings 1–10 min apart, two resets.
        const resets = [monthStart + 10 * DAY_MS + 7 * MINUTE_MS, monthEnd - 5 * HOUR_MS]; // a meter swap, a rollover
        let value = 5_000;
        for (let ts = monthStart - 2 * DAY_MS + 17_000; ts < monthEnd + DAY_MS; ts += rng.int(1, 10) * MINUTE_MS + rng.int(0, 59) * 1000) {
          value += quarter(rng.range(0, 20));
          if (resets[0] !== undefined && ts >= resets[0]) {
            resets.shift();
            value = 3;
          }
          readings.push(reading(C, ts, value));
        }
        await write(readings);
        await drain(monthEnd + 2 * DAY_MS);
      }, HOOK_TIMEOUT_MS);

      it.each(['1m', '1h', '1d'] as const)(
        'the %s increases of a month add up to the counter increase over it, resets from 0',
        async (resolution: RollupResolution) => {
          const rows = await energyIncreases(store().sql, { meters: [{ pointId: C, group: 0 }], fromMs: monthStart, toMs: monthEnd, resolution });
          const total = rows.reduce((a, r) => a + r.increase, 0);
          expect(total).toBe(bruteIncrease(readings, C, monthStart, monthEnd));
          expect(total).toBeGreaterThan(0);
        },
      );

      it('each hourly bucket is the increase of the readings in that hour, including the step into it', async () => {
        const rows = await energyIncreases(store().sql, { meters: [{ pointId: C, group: 3 }], fromMs: monthStart, toMs: monthEnd, resolution: '1h' });
        for (const r of rows) {
          expect(r.group).toBe(3);
          expect(r.increase).toBe(bruteIncrease(readings, C, r.t, r.t + HOUR_MS));
        }
        expect(rows.length).toBeGreaterThan(600);
      });

      it('the open tail counts too: energy up to now, partly read from raw', async () => {
        const tail = [reading(C, monthEnd + 2 * DAY_MS + 10_000, 1_000_000), reading(C, monthEnd + 2 * DAY_MS + 70_000, 1_000_010)];
        await write(tail);
        readings.push(...tail);
        const rows = await energyIncreases(store().sql, {
          meters: [{ pointId: C, group: 0 }],
          fromMs: monthEnd,
          toMs: monthEnd + 3 * DAY_MS,
          resolution: '1d',
        });
        expect(rows.reduce((a, r) => a + r.increase, 0)).toBe(bruteIncrease(readings, C, monthEnd, monthEnd + 3 * DAY_MS));
        expect(rows.at(-1)?.t).toBe(monthEnd + 2 * DAY_MS);
      });
    });

    describe('two workers at once', () => {
      it('rounds take turns on the lock and count every minute once', async () => {
        const P = 31;
        const base = Date.UTC(2026, 3, 1);
        const rng = createRng(31);
        const rs: Reading[] = [];
        for (let ts = base; ts < base + 6 * HOUR_MS; ts += rng.int(1_000, 20_000)) rs.push(reading(P, ts, quarter(rng.range(0, 100))));
        await write(rs);
        const nowMs = base + 6 * HOUR_MS + MINUTE_MS;
        const rounds = await Promise.all([0, 1, 2].map(() => rollupOnce(store().sql, { nowMs, graceMs: GRACE_MS, maxMinutes: 100 })));
        const worked = rounds.filter((r) => !r.skipped);
        expect(worked.length).toBeGreaterThanOrEqual(1);
        await drain(nowMs);
        const got = await historyFromRollups(store().sql, { pointId: P, fromMs: base, toMs: base + 6 * HOUR_MS, bucketMs: HOUR_MS, resolution: '1h' });
        expect(got).toEqual(bruteForce(rs, P, base, base + 6 * HOUR_MS, HOUR_MS));
      });
    });

    describe('quiet period', () => {
      it('leaves a minute whose newest mark is younger than quietMs (still being filled), rolls it once quiet', async () => {
        const P = 32;
        const base = Date.UTC(2026, 4, 1);
        const rs = [reading(P, base + 1_000, 1), reading(P, base + 2_000, 2)];
        await write(rs);
        const nowMs = base + HOUR_MS;
        const busy = await rollupOnce(store().sql, { nowMs, graceMs: GRACE_MS, quietMs: 3_600_000, maxMinutes: 100 });
        expect(busy.minutes).toBe(0);
        const quiet = await rollupOnce(store().sql, { nowMs, graceMs: GRACE_MS, quietMs: 0, maxMinutes: 100 });
        expect(quiet.minutes).toBeGreaterThanOrEqual(1);
        const got = await historyFromRollups(store().sql, { pointId: P, fromMs: base, toMs: base + MINUTE_MS, bucketMs: MINUTE_MS, resolution: '1m' });
        expect(got).toEqual(bruteForce(rs, P, base, base + MINUTE_MS, MINUTE_MS));
      });
    });
  });
}
