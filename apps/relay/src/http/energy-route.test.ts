import { co2TonnesOfKwh, demoPark, energyMeters, type ParkEnergy, type PointHistory, type Reading } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPgliteStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { rollupOnce } from '../storage/rollups/index.js';
import { createApiApp } from './api-app.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Rolled up to here; the last hour before NOW stays raw (the open tail). */
const T0 = Date.UTC(2026, 10, 25, 6);
const NOW = T0 + 4 * HOUR_MS;
const park = demoPark();
const meters = energyMeters(park);
let store: ReadingStore;
let app: ReturnType<typeof createApiApp>;

/** Counter of meter i: +0.25·(i+1) kWh a minute, reset to 1 at T0 + 90 min for the first meter. */
function counterReadings(pointId: number, i: number): Reading[] {
  const out: Reading[] = [];
  let value = 1000 + i;
  for (let ts = T0 - 10 * MINUTE_MS; ts < NOW; ts += MINUTE_MS) {
    value = i === 0 && ts === T0 + 90 * MINUTE_MS ? 1 : value + 0.25 * (i + 1);
    out.push({ pointId, ts: ts + 7_000, value, quality: 'good' });
  }
  return out;
}

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
  app = createApiApp({ parks: new ParkRegistry([park]), store, now: () => NOW });
  const readings = meters.flatMap((m, i) => counterReadings(m.pointId, i));
  await store.sql.query(`select zcp_ensure_partitions('readings', 'day', $1::timestamptz, $2::timestamptz)`, [
    new Date(T0 - HOUR_MS).toISOString(),
    new Date(NOW).toISOString(),
  ]);
  await store.insertReadings(readings);
  // What the storage writer does in the same transaction (idempotent if it already did).
  await store.sql.query(
    `insert into rollup_pending (bucket) select distinct date_bin('1 minute', to_timestamp(ms / 1000), timestamptz 'epoch') from unnest($1::float8[]) as u (ms) on conflict do nothing`,
    [readings.map((r) => r.ts)],
  );
  for (;;) {
    const round = await rollupOnce(store.sql, { nowMs: NOW - HOUR_MS, graceMs: 0, maxMinutes: 1000 });
    if (round.minutes < 1000) break;
  }
});
afterAll(async () => store.close());

const get = async <T>(path: string): Promise<T> => {
  const res = await app.request(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
};

describe('GET /api/parks/:parkId/energy', () => {
  it('gives every enterprise and the park hourly energy and carbon from their meters, the tail from raw', async () => {
    const e = await get<ParkEnergy>(`/api/parks/demo/energy?from=${new Date(T0).toISOString()}&to=${new Date(NOW).toISOString()}&resolution=1h`);
    expect(e).toMatchObject({ parkId: 'demo', resolution: '1h', bucketMs: HOUR_MS, emissionFactor: { kgCo2PerKwh: 0.5306 } });
    expect(e.enterprises.map((x) => x.enterpriseId)).toEqual(park.enterprises.map((x) => x.id));
    for (const ent of e.enterprises) {
      const mine = meters.map((m, i) => ({ m, i })).filter(({ m }) => m.enterpriseId === ent.enterpriseId);
      expect(mine.map(({ m }) => m.direction).sort()).toEqual(['export', 'import']);
      const kwhPerHour = (dir: string) => mine.filter(({ m }) => m.direction === dir).reduce((a, { i }) => a + 60 * 0.25 * (i + 1), 0);
      expect(ent.buckets.map((b) => b.t)).toEqual([0, 1, 2, 3].map((h) => T0 + h * HOUR_MS));
      for (const b of ent.buckets) {
        expect(b).toEqual({
          t: b.t,
          importKwh: kwhPerHour('import'),
          exportKwh: kwhPerHour('export'),
          netKwh: b.importKwh - b.exportKwh,
          co2T: co2TonnesOfKwh(b.netKwh),
        });
      }
    }
    // The park's import counter (the first meter) restarted at 1 at 07:30: that step counts 1 kWh instead of 0.25.
    expect(meters[0]).toMatchObject({ scope: 'park', direction: 'import' });
    expect(e.park.map((b) => b.importKwh)).toEqual([15, 15.75, 15, 15]);
    // by=park: the same park series, no enterprise reads.
    const p = await get<ParkEnergy>(`/api/parks/demo/energy?from=${new Date(T0).toISOString()}&to=${new Date(NOW).toISOString()}&resolution=1h&by=park`);
    expect(p.park).toEqual(e.park);
    expect(p.enterprises).toEqual([]);
  });

  it('1-minute windows add up to the hourly ones, reset included', async () => {
    const range = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 2 * HOUR_MS).toISOString()}`;
    const hourly = await get<ParkEnergy>(`/api/parks/demo/energy?${range}&resolution=1h`);
    const minutely = await get<ParkEnergy>(`/api/parks/demo/energy?${range}`);
    expect(minutely.resolution).toBe('1m');
    for (const [k, ent] of minutely.enterprises.entries()) {
      expect(ent.buckets).toHaveLength(120);
      for (const hour of hourly.enterprises[k]?.buckets ?? []) {
        const inHour = ent.buckets.filter((b) => b.t >= hour.t && b.t < hour.t + HOUR_MS);
        expect(inHour.reduce((a, b) => a + b.importKwh, 0)).toBeCloseTo(hour.importKwh, 9);
        expect(inHour.reduce((a, b) => a + b.exportKwh, 0)).toBeCloseTo(hour.exportKwh, 9);
      }
    }
  });

  it.each([
    ['?resolution=5m', 400, 'invalid_query'],
    ['?from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z&resolution=1m', 400, 'range_too_long'],
    ['?from=2026-11-25T12:00:00Z&to=2026-11-25T11:00:00Z', 400, 'invalid_range'],
  ])('%s → %i %s', async (query, status, code) => {
    const res = await app.request(`/api/parks/demo/energy${query}`);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
    expect((await app.request('/api/parks/nope/energy')).status).toBe(404);
  });
});

describe('GET /api/points/:pointId/history by resolution', () => {
  it('reads the level the range calls for and says which; the unrolled tail is there too', async () => {
    const pointId = meters[1]?.pointId as number;
    const h = await get<PointHistory>(`/api/points/${pointId}/history?from=${new Date(T0 - HOUR_MS).toISOString()}&to=${new Date(NOW).toISOString()}`);
    expect(h.resolution).toBe('raw');
    const d = await get<PointHistory>(`/api/points/${pointId}/history?from=${new Date(NOW - 30 * 86400_000).toISOString()}&to=${new Date(NOW).toISOString()}`);
    expect(d).toMatchObject({ resolution: '1h', bucketMs: HOUR_MS });
    expect(d.buckets.reduce((a, b) => a + b.n, 0)).toBe(h.buckets.reduce((a, b) => a + b.n, 0));
    expect(d.buckets.at(-1)?.last).toBe(h.buckets.at(-1)?.last);
  });
});
