import { type Asset, type AssetKind, LOAD_KINDS, type ParkIndex } from '@zcp/model';

/** Which colour scale an asset's power is drawn with. */
export type Palette = 'load' | 'generation' | 'battery';

/** The point that says how hard an asset works: heat flow for the boiler and bought heat, electric power otherwise. */
export function powerMetricOf(kind: AssetKind): 'p_kw' | 'heat_kw' {
  return kind === 'gas_boiler' || kind === 'heat_meter' ? 'heat_kw' : 'p_kw';
}

export function paletteOf(kind: AssetKind): Palette {
  if (kind === 'pv_inverter' || kind === 'green_line_meter') return 'generation';
  if (kind === 'battery') return 'battery';
  return 'load';
}

export interface PowerRef {
  assetId: string;
  pointId: number;
  /** Full-scale power for the colour ratio, kW (> 0). */
  referenceKw: number;
  palette: Palette;
}

/** Used when nothing says how big an asset is (keeps ratios finite). */
const FALLBACK_REFERENCE_KW = 100;

/**
 * The power point and full-scale reference of every asset. Meters have no rating, so a
 * building meter is scaled by the loads of its building and an enterprise meter by its
 * enterprise's loads.
 *
 * @example
 * const refs = powerRefs(indexPark(park)); refs.get('grid')?.referenceKw // 40000
 */
export function powerRefs(index: ParkIndex): Map<string, PowerRef> {
  const loadKwOfBuilding = new Map<string, number>();
  const loadKwOfEnterprise = new Map<string, number>();
  for (const a of index.park.assets) {
    if (!LOAD_KINDS.has(a.kind) || !a.rating.ratedKw) continue;
    if (a.buildingId) loadKwOfBuilding.set(a.buildingId, (loadKwOfBuilding.get(a.buildingId) ?? 0) + a.rating.ratedKw);
    if (a.enterpriseId) loadKwOfEnterprise.set(a.enterpriseId, (loadKwOfEnterprise.get(a.enterpriseId) ?? 0) + a.rating.ratedKw);
  }
  const reference = (a: Asset): number => {
    if (a.rating.ratedKw) return a.rating.ratedKw;
    if (a.kind === 'sub_meter') {
      const kw = a.buildingId ? loadKwOfBuilding.get(a.buildingId) : a.enterpriseId ? loadKwOfEnterprise.get(a.enterpriseId) : undefined;
      if (kw) return kw;
    }
    return FALLBACK_REFERENCE_KW;
  };
  const refs = new Map<string, PowerRef>();
  for (const a of index.park.assets) {
    const metric = powerMetricOf(a.kind);
    const point = index.pointsOfAsset.get(a.id)?.find((p) => p.metric === metric);
    if (!point) continue;
    refs.set(a.id, { assetId: a.id, pointId: point.id, referenceKw: reference(a), palette: paletteOf(a.kind) });
  }
  return refs;
}
