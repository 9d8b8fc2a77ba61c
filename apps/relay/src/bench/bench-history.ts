/**
 * `npm run bench:history`: history query latency on stored, rolled-up data, through the HTTP
 * API in-process (createApiApp + app.request: routing, validation, SQL, JSON — no socket).
 *
 *  1. Seeds a fresh PostgreSQL database with generate_series (no ingest path): one gauge
 *     point over a year, and a month of every energy meter counter of a generated park
 *     (energyMeters: the grid connection and each enterprise's main meters).
 *  2. Rolls everything up with the rollup worker's rounds (timed).
 *  3. Times, over BENCH_RUNS runs each after a warm-up, p50/p99 of
 *       - one point over a year at daily resolution   (target ≤ 50 ms)
 *       - park-wide hourly energy for a month (`by=park`: the grid connection's import and
 *         export counters)                             (target ≤ 200 ms)
 *       - the same month by enterprise (every enterprise's meters; no target)
 *       - 1-minute energy windows of one day, by enterprise (the seed's windows; no target)
 *  and prints a final JSON line.
 *
 * Environment: BENCH_DATABASE_URL (admin URL; default TEST_DATABASE_URL or local test db),
 * BENCH_ASSETS (generated park size, default 10000), BENCH_RUNS (50), BENCH_GAUGE_INTERVAL_S
 * (60), BENCH_COUNTER_INTERVAL_S (60), BENCH_KEEP_DB=1 keeps the database.
 *
 * @example
 * BENCH_ASSETS=2000 npm run bench:history
 */
import { energyMeters, generatePark, type ParkEnergy, type PointHistory } from '@zcp/model';
import postgres from 'postgres';
import { createApiApp } from '../http/api-app.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPostgresStore } from '../storage/index.js';
import { rollupOnce } from '../storage/rollups/index.js';

const env = process.env;
const ADMIN_URL = env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ASSETS = Number(env.BENCH_ASSETS ?? 10_000);
const RUNS = Number(env.BENCH_RUNS ?? 50);
const GAUGE_INTERVAL_S = Number(env.BENCH_GAUGE_INTERVAL_S ?? 60);
const COUNTER_INTERVAL_S = Number(env.BENCH_COUNTER_INTERVAL_S ?? 60);
const DAY_MS = 86_400_000;
const YEAR_FROM = Date.UTC(2025, 0, 1);
const YEAR_TO = Date.UTC(2026, 0, 1);
const MONTH_FROM = Date.UTC(2025, 11, 1);
const MONTH_TO = YEAR_TO;
/** "Now" for the API and the worker: just after the data, so all of it is closed and rolled. */
const NOW = YEAR_TO + 10 * 60_000;
const ROUND_MINUTES = 5_000;

const iso = (ms: number): string => new Date(ms).toISOString();
const log = (msg: string, extra: object = {}): void => {
  process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`);
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function time(runs: number, fn: () => Promise<void>): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: plans cached, pages in memory
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50Ms: r(percentile(ms, 50)), p99Ms: r(percentile(ms, 99)), maxMs: r(ms.at(-1) as number) };
}

async function main(): Promise<void> {
  const name = `zcp_bench_history_${Date.now()}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const store = await createPostgresStore({ url: url.toString(), maxConnections: 4 });
  try {
    await store.migrate();
    const park = generatePark({ assets: ASSETS });
    const meters = energyMeters(park);
    const counterIds = [...new Set(meters.map((m) => m.pointId))];
    const gauge = park.points.find((p) => p.kind === 'gauge' && p.unit === 'kW');
    if (!gauge) throw new Error('park has no kW gauge');
    log('seeding', { park: park.id, enterprises: park.enterprises.length, counters: counterIds.length, gauge: gauge.id });

    const seedStarted = performance.now();
    await store.sql.query(`select zcp_ensure_partitions('readings', 'day', $1::timestamptz, $2::timestamptz)`, [iso(YEAR_FROM), iso(YEAR_TO - 1)]);
    let rows = 0;
    // One statement per day keeps each transaction and its WAL modest; rows go in time order
    // (what the BRIN index on ts expects from live ingest).
    for (let day = YEAR_FROM; day < YEAR_TO; day += DAY_MS) {
      const [g] = await store.sql.query<{ n: number }>(
        `with ins as (
           insert into readings (point_id, ts, value, quality)
           select $1, t, 200 + 150 * sin(extract(epoch from t) / 43200 * pi()) + (extract(epoch from t)::int8 % 17), 0
           from generate_series($2::timestamptz, $3::timestamptz, make_interval(secs => $4)) t
           returning 1)
         select count(*)::int4 as n from ins`,
        [gauge.id, iso(day), iso(day + DAY_MS - 1), GAUGE_INTERVAL_S],
      );
      rows += g?.n ?? 0;
      if (day < MONTH_FROM) continue;
      // Counter i grows by (1 + i % 7) kWh an hour, with a little jitter that never runs backwards.
      const [c] = await store.sql.query<{ n: number }>(
        `with ins as (
           insert into readings (point_id, ts, value, quality)
           select m.id, t, 1000 * m.id + extract(epoch from t - $4::timestamptz) / 3600 * (1 + m.id % 7), 0
           from generate_series($2::timestamptz, $3::timestamptz, make_interval(secs => $5)) t
           cross join unnest($1::int4[]) as m (id)
           returning 1)
         select count(*)::int4 as n from ins`,
        [counterIds, iso(day), iso(day + DAY_MS - 1), iso(MONTH_FROM), COUNTER_INTERVAL_S],
      );
      rows += c?.n ?? 0;
    }
    await store.sql.query(
      `insert into rollup_pending (bucket) select generate_series($1::timestamptz, $2::timestamptz, interval '1 minute') on conflict do nothing`,
      [iso(YEAR_FROM), iso(YEAR_TO - 60_000)],
    );
    await store.sql.query('analyze');
    const seedMs = Math.round(performance.now() - seedStarted);
    log('seeded', { rows, ms: seedMs });

    const rollStarted = performance.now();
    let minutes = 0;
    for (;;) {
      const round = await rollupOnce(store.sql, { nowMs: NOW, graceMs: 5_000, maxMinutes: ROUND_MINUTES });
      minutes += round.minutes;
      if (round.minutes < ROUND_MINUTES) break;
      if ((minutes / ROUND_MINUTES) % 10 === 0) log('rolling up', { minutes, ms: Math.round(performance.now() - rollStarted) });
    }
    await store.sql.query('analyze');
    const rollupMs = Math.round(performance.now() - rollStarted);
    const rowsRate = Math.round(rows / (rollupMs / 1000));
    log('rolled up', { minutes, ms: rollupMs, rawRowsPerS: rowsRate });

    const app = createApiApp({ parks: new ParkRegistry([park]), store, now: () => NOW });
    const getJson = async <T>(path: string): Promise<T> => {
      const res = await app.request(path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    const yearPath = `/api/points/${gauge.id}/history?from=${iso(YEAR_FROM)}&to=${iso(YEAR_TO)}`;
    const year = await getJson<PointHistory>(yearPath);
    const yearN = year.buckets.reduce((a, b) => a + b.n, 0);
    if (year.resolution !== '1d' || year.buckets.length !== 365) throw new Error(`year: ${year.resolution}, ${year.buckets.length} buckets`);
    const yearTiming = await time(RUNS, async () => void (await getJson<PointHistory>(yearPath)));

    const parkMonthPath = `/api/parks/${park.id}/energy?from=${iso(MONTH_FROM)}&to=${iso(MONTH_TO)}&resolution=1h&by=park`;
    const parkMonth = await getJson<ParkEnergy>(parkMonthPath);
    const monthHours = Math.round((MONTH_TO - MONTH_FROM) / 3_600_000);
    if (parkMonth.park.length !== monthHours) throw new Error(`park month: ${parkMonth.park.length} hourly buckets, expected ${monthHours}`);
    const parkMonthTiming = await time(RUNS, async () => void (await getJson<ParkEnergy>(parkMonthPath)));

    const monthPath = `/api/parks/${park.id}/energy?from=${iso(MONTH_FROM)}&to=${iso(MONTH_TO)}&resolution=1h`;
    const month = await getJson<ParkEnergy>(monthPath);
    const monthKwh = month.enterprises.reduce((a, e) => a + e.buckets.reduce((s, b) => s + b.importKwh, 0), 0);
    const monthTiming = await time(RUNS, async () => void (await getJson<ParkEnergy>(monthPath)));

    const dayPath = `/api/parks/${park.id}/energy?from=${iso(MONTH_TO - DAY_MS)}&to=${iso(MONTH_TO)}&resolution=1m`;
    const day = await getJson<ParkEnergy>(dayPath);
    const dayTiming = await time(Math.max(5, Math.round(RUNS / 5)), async () => void (await getJson<ParkEnergy>(dayPath)));

    const result = {
      bench: 'history',
      backend: 'postgres',
      park: { id: park.id, assets: park.assets.length, enterprises: park.enterprises.length, meterCounters: counterIds.length },
      seeded: { rawRows: rows, gaugeIntervalS: GAUGE_INTERVAL_S, counterIntervalS: COUNTER_INTERVAL_S, ms: seedMs },
      rollup: { minutes, ms: rollupMs, rawRowsPerS: rowsRate },
      runs: RUNS,
      pointYearDaily: { ...yearTiming, targetMs: 50, pass: yearTiming.p99Ms <= 50, buckets: year.buckets.length, readings: yearN },
      parkMonthHourlyEnergy: {
        ...parkMonthTiming,
        targetMs: 200,
        pass: parkMonthTiming.p99Ms <= 200,
        buckets: parkMonth.park.length,
        importKwh: Math.round(parkMonth.park.reduce((s, b) => s + b.importKwh, 0)),
      },
      enterpriseMonthHourlyEnergy: {
        ...monthTiming,
        series: month.enterprises.length + 1,
        buckets: month.enterprises.reduce((a, e) => a + e.buckets.length, month.park.length),
        enterpriseImportKwh: Math.round(monthKwh),
      },
      parkDayMinuteEnergy: { ...dayTiming, buckets: day.enterprises.reduce((a, e) => a + e.buckets.length, day.park.length) },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await store.close();
    if (env.BENCH_KEEP_DB === '1') log('kept database', { name });
    else await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

await main();
