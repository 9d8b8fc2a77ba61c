import { LOAD_KINDS, type ParkIndex, QUALITY_CODE } from '@zcp/model';
import type { LiveValue } from './live-values.js';

/** The point ids each headline figure adds up; built once per park. */
export interface KpiPlan {
  grid: number[];
  pv: number[];
  battery: number[];
  load: number[];
  /** Battery state-of-charge points, weighted by capacity (kWh). */
  soc: { pointId: number; weightKwh: number }[];
}

/** Headline figures; `null` when no contributing point has a usable value yet. */
export interface Kpis {
  /** Grid import, kW (negative: exporting). */
  gridKw: number | null;
  pvKw: number | null;
  /** Battery power, kW (positive: discharging into the park). */
  batteryKw: number | null;
  loadKw: number | null;
  socPct: number | null;
}

/**
 * Which points feed the KPIs, by asset kind and metric (sign conventions in ASSET_METRICS):
 * grid = grid meters' p_kw; PV = inverters' p_kw; battery = batteries' p_kw; load = p_kw of
 * the LOAD_KINDS; SOC = capacity-weighted soc_pct.
 */
export function planKpis(index: ParkIndex): KpiPlan {
  const plan: KpiPlan = { grid: [], pv: [], battery: [], load: [], soc: [] };
  for (const asset of index.park.assets) {
    const points = index.pointsOfAsset.get(asset.id) ?? [];
    const power = points.find((p) => p.metric === 'p_kw');
    if (power) {
      if (asset.kind === 'grid_meter') plan.grid.push(power.id);
      else if (asset.kind === 'pv_inverter') plan.pv.push(power.id);
      else if (asset.kind === 'battery') plan.battery.push(power.id);
      else if (LOAD_KINDS.has(asset.kind)) plan.load.push(power.id);
    }
    if (asset.kind === 'battery') {
      const soc = points.find((p) => p.metric === 'soc_pct');
      if (soc) plan.soc.push({ pointId: soc.id, weightKwh: asset.rating.capacityKwh ?? 1 });
    }
  }
  return plan;
}

const usable = (v: LiveValue | undefined): v is LiveValue => v !== undefined && v[2] !== QUALITY_CODE.bad;

function sum(ids: readonly number[], values: ReadonlyMap<number, LiveValue>): number | null {
  let total = 0;
  let seen = false;
  for (const id of ids) {
    const v = values.get(id);
    if (!usable(v)) continue;
    total += v[1];
    seen = true;
  }
  return seen ? total : null;
}

/**
 * @example
 * const kpis = computeKpis(planKpis(index), values); kpis.pvKw // 1234.5
 */
export function computeKpis(plan: KpiPlan, values: ReadonlyMap<number, LiveValue>): Kpis {
  let weighted = 0;
  let weight = 0;
  for (const { pointId, weightKwh } of plan.soc) {
    const v = values.get(pointId);
    if (!usable(v)) continue;
    weighted += v[1] * weightKwh;
    weight += weightKwh;
  }
  return {
    gridKw: sum(plan.grid, values),
    pvKw: sum(plan.pv, values),
    batteryKw: sum(plan.battery, values),
    loadKw: sum(plan.load, values),
    socPct: weight > 0 ? weighted / weight : null,
  };
}
