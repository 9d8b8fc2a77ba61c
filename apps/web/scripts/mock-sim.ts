/**
 * MOCK value source for the dev-only mock relay: random walks around plausible operating
 * points, with the park's sign conventions (battery + = discharging, grid + = importing)
 * and a grid meter that balances loads, PV and battery. Not a simulator of record.
 */
import { type Asset, type HistoryBucket, LOAD_KINDS, MAX_HISTORY_BUCKETS, type ParkIndex, type PointValueTuple, type Rng } from '@zcp/model';

export interface MockSim {
  /** Advances the walk by `dtS` seconds at `now`; returns the changed tuples. */
  step(now: number, dtS: number): PointValueTuple[];
  snapshot(): PointValueTuple[];
  history(pointId: number, fromMs: number, toMs: number): { bucketMs: number; buckets: HistoryBucket[] };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function createMockSim(index: ParkIndex, rng: Rng, now: number): MockSim {
  const state = new Map<number, PointValueTuple>();
  const rated = (a: Asset) => a.rating.ratedKw ?? 100;
  const pointOf = (assetId: string, metric: string) => index.pointsOfAsset.get(assetId)?.find((p) => p.metric === metric);
  const set = (id: number | undefined, v: number, ts: number, q = 0) => {
    if (id !== undefined) state.set(id, [id, ts, v, q]);
  };
  const get = (id: number | undefined) => (id === undefined ? 0 : (state.get(id)?.[2] ?? 0));

  // Operating points: loads at 20–80 % of rating, PV at a bright-day share, battery busy.
  for (const a of index.park.assets) {
    for (const p of index.pointsOfAsset.get(a.id) ?? []) {
      let v = 0;
      if (p.metric === 'p_kw' && LOAD_KINDS.has(a.kind)) v = rated(a) * rng.range(0.15, 0.85);
      else if (p.metric === 'p_kw' && a.kind === 'pv_inverter') v = rated(a) * rng.range(0.45, 0.8);
      else if (p.metric === 'p_kw' && a.kind === 'battery') v = rated(a) * rng.range(-0.6, 0.6);
      else if (p.metric === 'heat_kw') v = rated(a) * rng.range(0.3, 0.7);
      else if (p.metric === 'soc_pct') v = rng.range(35, 75);
      else if (p.unit === 'kWh' || p.unit === 'm3' || p.unit === 'GJ') v = rng.range(1e4, 5e6);
      else if (p.metric === 'v_ll') v = 10_500;
      else if (p.metric === 'f_hz') v = 50;
      else if (p.metric === 'irradiance_wm2') v = rng.range(550, 800);
      else if (p.unit === '°C') v = p.metric.startsWith('chw') ? 7 : p.metric === 'supply_temp_c' ? 75 : rng.range(25, 45);
      else if (p.metric === 'cop') v = rng.range(3.5, 5.5);
      else if (p.metric === 'connected' || p.metric === 'running') v = rng.next() < 0.7 ? 1 : 0;
      else if (p.metric === 'output_uph') v = rng.range(40, 200);
      else v = rng.range(0, 100);
      set(p.id, v, now);
    }
  }

  const balance = (ts: number) => {
    // Meters sum what they measure; the grid makes up the difference.
    let loads = 0;
    let pv = 0;
    let battery = 0;
    const byBuilding = new Map<string, number>();
    const byEnterprise = new Map<string, number>();
    for (const a of index.park.assets) {
      const v = get(pointOf(a.id, 'p_kw')?.id);
      if (LOAD_KINDS.has(a.kind)) {
        loads += v;
        if (a.buildingId) byBuilding.set(a.buildingId, (byBuilding.get(a.buildingId) ?? 0) + v);
        if (a.enterpriseId) byEnterprise.set(a.enterpriseId, (byEnterprise.get(a.enterpriseId) ?? 0) + v);
      } else if (a.kind === 'pv_inverter') {
        pv += v;
        if (a.buildingId) byBuilding.set(a.buildingId, (byBuilding.get(a.buildingId) ?? 0) - v);
        if (a.enterpriseId) byEnterprise.set(a.enterpriseId, (byEnterprise.get(a.enterpriseId) ?? 0) - v);
      } else if (a.kind === 'battery') battery += v;
    }
    const changed: number[] = [];
    for (const a of index.park.assets) {
      const p = pointOf(a.id, 'p_kw');
      if (!p) continue;
      if (a.kind === 'grid_meter') set(p.id, loads - pv - battery, ts);
      else if (a.kind === 'sub_meter')
        set(p.id, a.buildingId ? (byBuilding.get(a.buildingId) ?? 0) : a.enterpriseId ? (byEnterprise.get(a.enterpriseId) ?? 0) : 0, ts);
      else continue;
      changed.push(p.id);
    }
    return changed;
  };
  balance(now);

  return {
    step(ts, dtS) {
      const changed = new Set<number>();
      for (const a of index.park.assets) {
        if (rng.next() > 0.35) continue;
        const power = pointOf(a.id, a.kind === 'gas_boiler' || a.kind === 'heat_meter' ? 'heat_kw' : 'p_kw');
        if (power && a.kind !== 'grid_meter' && a.kind !== 'sub_meter') {
          const lo = a.kind === 'battery' ? -rated(a) : 0;
          const next = clamp(get(power.id) + rng.normal(0, 0.05 * rated(a)), lo, rated(a));
          set(power.id, next, ts, rng.next() < 0.01 ? 1 : 0);
          changed.add(power.id);
        }
        for (const p of index.pointsOfAsset.get(a.id) ?? []) {
          if (p.kind === 'counter') {
            const kw = Math.abs(get(power?.id));
            set(p.id, get(p.id) + (kw * dtS) / 3600, ts);
            changed.add(p.id);
          } else if (p.metric === 'soc_pct') {
            const cap = a.rating.capacityKwh ?? 1000;
            set(p.id, clamp(get(p.id) - (get(power?.id) * dtS * 100) / 3600 / cap, 5, 95), ts);
            changed.add(p.id);
          } else if (p.unit === '°C' || p.metric === 'cop' || p.metric === 'irradiance_wm2' || p.metric === 'f_hz' || p.metric === 'output_uph') {
            const v = get(p.id);
            set(p.id, v + rng.normal(0, Math.max(0.002, Math.abs(v) * 0.004)), ts);
            changed.add(p.id);
          }
        }
      }
      for (const id of balance(ts)) changed.add(id);
      return [...changed].map((id) => state.get(id) as PointValueTuple);
    },
    snapshot: () => [...state.values()],
    history(pointId, fromMs, toMs) {
      const span = Math.max(toMs - fromMs, 1);
      const bucketMs = Math.max(10_000, Math.ceil(span / 240 / 10_000) * 10_000);
      const n = Math.min(MAX_HISTORY_BUCKETS, Math.floor(span / bucketMs));
      const centre = get(pointId);
      const amp = Math.max(Math.abs(centre) * 0.25, 1);
      const buckets: HistoryBucket[] = [];
      const start = Math.floor(fromMs / bucketMs) * bucketMs;
      for (let i = 0; i < n; i++) {
        const t = start + i * bucketMs;
        const phase = (t / 86_400_000) * 2 * Math.PI + pointId;
        const avg = centre + amp * 0.6 * Math.sin(phase) + amp * 0.15 * Math.sin(phase * 13.7);
        const spread = amp * (0.08 + 0.05 * Math.abs(Math.sin(phase * 5.3)));
        buckets.push({ t, avg, min: avg - spread, max: avg + spread, last: avg + spread * 0.3, n: Math.max(1, Math.round(bucketMs / 5000)) });
      }
      return { bucketMs, buckets };
    },
  };
}
