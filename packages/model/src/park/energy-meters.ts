import type { Asset, Park } from './schema.js';

/** A cumulative electricity counter that measures the energy of the park or of one enterprise. */
export interface EnergyMeter {
  pointId: number;
  scope: 'park' | 'enterprise';
  /** Set when scope is 'enterprise'. */
  enterpriseId: string | null;
  direction: 'import' | 'export';
}

/** Metric → direction of the electricity counters that meters carry. */
const METER_DIRECTION: Readonly<Record<string, EnergyMeter['direction']>> = { e_import_kwh: 'import', e_export_kwh: 'export' };
/** Electric loads whose `e_kwh` counts consumption (PV `e_kwh` is generation, left out). */
const LOAD_COUNTER_KINDS: ReadonlySet<Asset['kind']> = new Set(['building_load', 'chiller', 'production_line', 'ev_charger']);

/** The enterprise an asset belongs to: its own, else its building's (point → asset → building → enterprise). */
export function enterpriseOfAsset(park: Park, asset: Asset): string | null {
  if (asset.enterpriseId) return asset.enterpriseId;
  if (!asset.buildingId) return null;
  return park.buildings.find((b) => b.id === asset.buildingId)?.enterpriseId ?? null;
}

/**
 * The counters whose increases are the park's and each enterprise's electricity, chosen so
 * nothing is counted twice: meters nest (grid connection ⊃ enterprise main meter ⊃ building
 * meters ⊃ loads), so each scope takes its top-most level only —
 *  - park: the grid connection meters (`grid_meter`), import and export;
 *  - enterprise: its main meters (`sub_meter` without a building); without one, its building
 *    meters; without those, the electric loads' consumption counters (as import).
 *
 * @example
 * energyMeters(demoPark()).filter((m) => m.scope === 'enterprise').length // 2 per enterprise
 */
export function energyMeters(park: Park): EnergyMeter[] {
  const assetById = new Map(park.assets.map((a) => [a.id, a]));
  const buildingEnterprise = new Map(park.buildings.map((b) => [b.id, b.enterpriseId]));
  const enterpriseOf = (a: Asset): string | null => a.enterpriseId ?? (a.buildingId ? (buildingEnterprise.get(a.buildingId) ?? null) : null);
  // Level 0 = main meter, 1 = building meter, 2 = load: the lowest level present per enterprise wins.
  const candidates: { level: number; meter: EnergyMeter }[] = [];
  const meters: EnergyMeter[] = [];
  for (const p of park.points) {
    if (p.kind !== 'counter' || p.unit !== 'kWh') continue;
    const asset = assetById.get(p.assetId);
    if (!asset) continue;
    if (asset.kind === 'grid_meter') {
      const direction = METER_DIRECTION[p.metric];
      if (direction) meters.push({ pointId: p.id, scope: 'park', enterpriseId: null, direction });
      continue;
    }
    const enterpriseId = enterpriseOf(asset);
    if (!enterpriseId) continue;
    let level: number | undefined;
    let direction: EnergyMeter['direction'] | undefined;
    if (asset.kind === 'sub_meter') {
      direction = METER_DIRECTION[p.metric];
      level = asset.buildingId ? 1 : 0;
    } else if (LOAD_COUNTER_KINDS.has(asset.kind) && p.metric === 'e_kwh') {
      direction = 'import';
      level = 2;
    }
    if (level !== undefined && direction) candidates.push({ level, meter: { pointId: p.id, scope: 'enterprise', enterpriseId, direction } });
  }
  const top = new Map<string, number>();
  for (const c of candidates) top.set(c.meter.enterpriseId as string, Math.min(top.get(c.meter.enterpriseId as string) ?? 2, c.level));
  for (const c of candidates) if (c.level === top.get(c.meter.enterpriseId as string)) meters.push(c.meter);
  return meters;
}

/** A cumulative counter of another energy carrier than grid electricity, by enterprise. */
export interface CarrierMeter {
  pointId: number;
  assetId: string;
  /** The enterprise it supplies; null for park-level assets (the park's own gas boiler house). */
  enterpriseId: string | null;
  /**
   * `heat`: bought heat, GJ (`heat_meter.e_heat_gj`); `direct_green`: direct green supply, kWh
   * (`green_line_meter.e_import_kwh`); `gas`: natural gas burnt, m³ (`gas_boiler.gas_m3`).
   */
  carrier: 'heat' | 'direct_green' | 'gas';
  /** heat: the asset's `heatOrigin`, fossil when absent. */
  origin?: 'fossil' | 'non_fossil';
  /** direct_green: the supplying facility (CARB-CERT-3). */
  facilityId?: string;
}

const CARRIER_OF: Readonly<Partial<Record<Asset['kind'], { metric: string; carrier: CarrierMeter['carrier'] }>>> = {
  heat_meter: { metric: 'e_heat_gj', carrier: 'heat' },
  green_line_meter: { metric: 'e_import_kwh', carrier: 'direct_green' },
  gas_boiler: { metric: 'gas_m3', carrier: 'gas' },
};

/**
 * The counters of bought heat, direct green supply (绿电直连) and gas, each with the enterprise
 * it belongs to. None of them is in `energyMeters`: a green line enters its enterprise beside
 * the park's grid connection, so it is neither grid import nor behind a grid meter.
 *
 * @example
 * carrierMeters(demoPark()).filter((m) => m.carrier === 'heat').map((m) => m.enterpriseId) // ['tiancheng', 'kangning']
 */
export function carrierMeters(park: Park): CarrierMeter[] {
  const assetById = new Map(park.assets.map((a) => [a.id, a]));
  const out: CarrierMeter[] = [];
  for (const p of park.points) {
    const asset = assetById.get(p.assetId);
    const spec = asset ? CARRIER_OF[asset.kind] : undefined;
    if (!asset || !spec || p.metric !== spec.metric || p.kind !== 'counter') continue;
    const meter: CarrierMeter = { pointId: p.id, assetId: asset.id, enterpriseId: enterpriseOfAsset(park, asset), carrier: spec.carrier };
    if (spec.carrier === 'heat') meter.origin = asset.heatOrigin ?? 'fossil';
    if (spec.carrier === 'direct_green' && asset.facilityId !== undefined) meter.facilityId = asset.facilityId;
    out.push(meter);
  }
  return out;
}
