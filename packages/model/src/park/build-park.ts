import { createRng, type Rng } from '../random/seeded.js';
import { ASSET_METRICS } from './metrics.js';
import type { Asset, AssetKind, Building, Enterprise, LocalizedText, Park, Point, ShiftPattern } from './schema.js';

export interface EnterpriseSeed {
  id: string;
  name: LocalizedText;
  industry: string;
  shift: ShiftPattern;
  weekendFactor: number;
  color: string;
  /** Building uses, one per building on the enterprise's plot. */
  buildings: readonly Building['use'][];
}

export interface BuildParkOptions {
  id: string;
  name: LocalizedText;
  seed: number;
  enterprises: readonly EnterpriseSeed[];
  /** Stop adding assets once this many exist (benchmark parks want an exact count). */
  maxAssets?: number;
  evChargers?: number;
  /** Heat bought from outside the park, one intake meter per entry (added after every enterprise). */
  heatMeters?: readonly HeatMeterSeed[];
  /** Direct green supply lines (绿电直连) into single enterprises (added after the heat meters). */
  greenLines?: readonly GreenLineSeed[];
}

/** An enterprise's purchased-heat intake (steam from a utility's CHP plant). */
export interface HeatMeterSeed {
  enterpriseId: string;
  /** Largest heat flow the intake carries, kW. */
  ratedKw: number;
  /** Default fossil. */
  origin?: 'fossil' | 'non_fossil';
  name?: LocalizedText;
}

/** A dedicated line from an off-site wind or PV plant into one enterprise. */
export interface GreenLineSeed {
  enterpriseId: string;
  /** The plant's export capacity on this line, kW. */
  ratedKw: number;
  /** The plant's id in the certificate registry (CARB-CERT-3). */
  facilityId: string;
  name?: LocalizedText;
}

/** Plot size and road width of the site grid, metres. */
const PLOT_W_M = 180;
const PLOT_D_M = 140;
const ROAD_M = 24;
const PLOTS_PER_ROW = 5;

const USE_NAMES: Record<Building['use'], LocalizedText> = {
  factory: { zh: '厂房', en: 'Factory' },
  warehouse: { zh: '仓库', en: 'Warehouse' },
  office: { zh: '办公楼', en: 'Office' },
  lab: { zh: '研发楼', en: 'Lab' },
  datacenter: { zh: '机房楼', en: 'Data hall' },
  utility: { zh: '能源站', en: 'Energy centre' },
};

const USE_SHAPE: Record<Building['use'], { w: number; d: number; h: number; floors: number }> = {
  factory: { w: 72, d: 48, h: 14, floors: 1 },
  warehouse: { w: 64, d: 40, h: 11, floors: 1 },
  office: { w: 36, d: 22, h: 28, floors: 7 },
  lab: { w: 44, d: 26, h: 20, floors: 4 },
  datacenter: { w: 52, d: 34, h: 16, floors: 3 },
  utility: { w: 40, d: 26, h: 9, floors: 1 },
};

/** Slots inside a plot where buildings stand (centre offsets from the plot's corner). */
const SLOTS: readonly [number, number][] = [
  [48, 36],
  [132, 36],
  [48, 104],
  [132, 104],
];

/**
 * Builds a complete, valid park model: enterprises on plots of a site grid, buildings with
 * footprints, assets and their points. Deterministic for a given seed.
 *
 * @example
 * const park = buildPark({ id: 'p1', name: { zh: '园区', en: 'Park' }, seed: 1, enterprises: [...] })
 */
export function buildPark(options: BuildParkOptions): Park {
  const rng = createRng(options.seed);
  const maxAssets = options.maxAssets ?? Number.POSITIVE_INFINITY;
  const enterprises: Enterprise[] = [];
  const buildings: Building[] = [];
  const assets: Asset[] = [];
  const points: Point[] = [];

  const addAsset = (asset: Asset): boolean => {
    if (assets.length >= maxAssets) return false;
    assets.push(asset);
    for (const spec of ASSET_METRICS[asset.kind]) {
      const id = points.length + 1;
      points.push({ id, tag: `${asset.id}.${spec.metric}`, assetId: asset.id, metric: spec.metric, unit: spec.unit, kind: spec.kind });
    }
    return true;
  };
  const asset = (
    id: string,
    kind: AssetKind,
    name: LocalizedText,
    enterpriseId: string | null,
    buildingId: string | null,
    position: Asset['position'],
    rating: Asset['rating'],
  ): Asset => ({ id, kind, name, enterpriseId, buildingId, position, rating });

  // Park-level infrastructure sits in the utility yard left of the first plot row.
  const yardX = -70;
  addAsset(asset('grid', 'grid_meter', { zh: '110kV 总进线关口表', en: '110 kV grid connection' }, null, null, { x: yardX, y: 20, z: 0 }, { ratedKw: 40_000 }));
  addAsset(
    asset('bess1', 'battery', { zh: '园区储能电站', en: 'Park battery' }, null, null, { x: yardX, y: 70, z: 0 }, { ratedKw: 2_000, capacityKwh: 4_000 }),
  );
  addAsset(asset('boiler1', 'gas_boiler', { zh: '燃气锅炉房', en: 'Gas boiler house' }, null, null, { x: yardX, y: 120, z: 0 }, { ratedKw: 4_200 }));
  const chargers = options.evChargers ?? 20;
  for (let i = 0; i < chargers; i++) {
    const n = String(i + 1).padStart(2, '0');
    addAsset(
      asset(
        `ev${n}`,
        'ev_charger',
        { zh: `充电桩 ${n}`, en: `EV charger ${n}` },
        null,
        null,
        { x: yardX - 30 + (i % 6) * 8, y: 170 + Math.floor(i / 6) * 14, z: 0 },
        {
          ratedKw: i % 4 === 0 ? 120 : 60,
        },
      ),
    );
  }

  options.enterprises.forEach((seed, index) => {
    if (assets.length >= maxAssets) return;
    const { buildings: uses, ...enterprise } = seed;
    enterprises.push(enterprise);
    const plotX = (index % PLOTS_PER_ROW) * (PLOT_W_M + ROAD_M);
    const plotY = Math.floor(index / PLOTS_PER_ROW) * (PLOT_D_M + ROAD_M);
    const meterId = `${seed.id}-meter`;
    addAsset(
      asset(meterId, 'sub_meter', { zh: `${seed.name.zh} 总表`, en: `${seed.name.en} main meter` }, seed.id, null, { x: plotX + 4, y: plotY + 4, z: 0 }, {}),
    );
    uses.forEach((use, b) => {
      const slot = SLOTS[b % SLOTS.length] as [number, number];
      const shape = USE_SHAPE[use];
      const w = shape.w * rng.range(0.85, 1.1);
      const d = shape.d * rng.range(0.85, 1.1);
      const cx = plotX + slot[0];
      const cy = plotY + slot[1];
      const buildingId = `${seed.id}-b${b + 1}`;
      buildings.push({
        id: buildingId,
        enterpriseId: seed.id,
        name: { zh: `${seed.name.zh} ${b + 1}号${USE_NAMES[use].zh}`, en: `${seed.name.en} ${USE_NAMES[use].en} ${b + 1}` },
        use,
        footprint: [
          [cx - w / 2, cy - d / 2],
          [cx + w / 2, cy - d / 2],
          [cx + w / 2, cy + d / 2],
          [cx - w / 2, cy + d / 2],
        ],
        heightM: shape.h,
        floors: shape.floors,
      });
      addBuildingAssets(rng, addAsset, asset, seed, buildingId, use, { cx, cy, w, d, h: shape.h });
    });
  });

  // Bought heat and direct green lines come last, so the ids of every other point stay as they were.
  const plotOf = (enterpriseId: string): { x: number; y: number } => {
    const index = enterprises.findIndex((e) => e.id === enterpriseId);
    if (index < 0) throw new RangeError(`no enterprise '${enterpriseId}' in park ${options.id}`);
    return { x: (index % PLOTS_PER_ROW) * (PLOT_W_M + ROAD_M), y: Math.floor(index / PLOTS_PER_ROW) * (PLOT_D_M + ROAD_M) };
  };
  for (const h of options.heatMeters ?? []) {
    const plot = plotOf(h.enterpriseId);
    addAsset({
      ...asset(
        `${h.enterpriseId}-heat`,
        'heat_meter',
        h.name ?? { zh: '外购蒸汽计量表', en: 'Purchased steam meter' },
        h.enterpriseId,
        null,
        { x: plot.x + 12, y: plot.y + 4, z: 0 },
        { ratedKw: h.ratedKw },
      ),
      heatOrigin: h.origin ?? 'fossil',
    });
  }
  for (const g of options.greenLines ?? []) {
    const plot = plotOf(g.enterpriseId);
    addAsset({
      ...asset(
        `${g.enterpriseId}-green`,
        'green_line_meter',
        g.name ?? { zh: '绿电直连计量表', en: 'Direct green line meter' },
        g.enterpriseId,
        null,
        { x: plot.x + 20, y: plot.y + 4, z: 0 },
        { ratedKw: g.ratedKw },
      ),
      facilityId: g.facilityId,
    });
  }

  const maxX = Math.min(enterprises.length, PLOTS_PER_ROW) * (PLOT_W_M + ROAD_M);
  const maxY = Math.ceil(Math.max(enterprises.length, 1) / PLOTS_PER_ROW) * (PLOT_D_M + ROAD_M);
  return {
    id: options.id,
    name: options.name,
    location: { lat: 31.3, lon: 120.62, timezone: 'Asia/Shanghai', utcOffsetH: 8 },
    bounds: [yardX - 60, -20, maxX, Math.max(maxY, 220)],
    enterprises,
    buildings,
    assets,
    points,
  };
}

type AssetFactory = (
  id: string,
  kind: AssetKind,
  name: LocalizedText,
  enterpriseId: string | null,
  buildingId: string | null,
  position: Asset['position'],
  rating: Asset['rating'],
) => Asset;

interface BuildingBox {
  cx: number;
  cy: number;
  w: number;
  d: number;
  h: number;
}

/** Which assets a building of each use carries; sizes scale with the footprint. */
function addBuildingAssets(
  rng: Rng,
  addAsset: (a: Asset) => boolean,
  asset: AssetFactory,
  ent: EnterpriseSeed,
  buildingId: string,
  use: Building['use'],
  box: BuildingBox,
): void {
  const roofM2 = box.w * box.d;
  const e = ent.id;
  const at = (fx: number, fy: number, z = 0) => ({ x: box.cx + fx * box.w, y: box.cy + fy * box.d, z });
  addAsset(asset(`${buildingId}-meter`, 'sub_meter', { zh: '楼宇总表', en: 'Building meter' }, e, buildingId, at(-0.5, -0.5, 0), {}));
  const baseKw = { factory: 180, warehouse: 60, office: 120, lab: 160, datacenter: 900, utility: 40 }[use];
  addAsset(
    asset(`${buildingId}-load`, 'building_load', { zh: '照明空调插座', en: 'Building services' }, e, buildingId, at(0, 0, 1), {
      ratedKw: Math.round(baseKw * rng.range(0.8, 1.2)),
    }),
  );

  // Rooftop PV: one inverter per ~1,000 m² of usable roof (60 % of the footprint).
  const inverters = use === 'datacenter' ? 1 : Math.max(1, Math.round((roofM2 * 0.6) / 1000));
  for (let i = 0; i < inverters; i++) {
    const areaM2 = Math.round((roofM2 * 0.6) / inverters);
    addAsset(
      asset(
        `${buildingId}-pv${i + 1}`,
        'pv_inverter',
        { zh: `屋顶光伏逆变器 ${i + 1}`, en: `Rooftop PV inverter ${i + 1}` },
        e,
        buildingId,
        at(-0.3 + (0.6 * (i + 0.5)) / inverters, 0.1, box.h + 0.5),
        {
          ratedKw: Math.round(areaM2 * 0.2),
          areaM2,
          tiltDeg: 15,
          azimuthDeg: 180,
        },
      ),
    );
  }

  const chillers = use === 'datacenter' ? 3 : use === 'factory' || use === 'utility' ? 1 : 2;
  for (let i = 0; i < chillers; i++) {
    addAsset(
      asset(`${buildingId}-ch${i + 1}`, 'chiller', { zh: `冷水机组 ${i + 1}`, en: `Chiller ${i + 1}` }, e, buildingId, at(0.5 + 0.08, -0.35 + i * 0.3), {
        ratedKw: Math.round((use === 'datacenter' ? 320 : 90) * rng.range(0.8, 1.2)),
      }),
    );
  }

  const lines = use === 'factory' ? 5 : use === 'lab' ? 1 : use === 'datacenter' ? 2 : 0;
  for (let i = 0; i < lines; i++) {
    const name = use === 'datacenter' ? { zh: `IT 机柜组 ${i + 1}`, en: `IT hall ${i + 1}` } : { zh: `生产线 ${i + 1}`, en: `Production line ${i + 1}` };
    addAsset(
      asset(`${buildingId}-line${i + 1}`, 'production_line', name, e, buildingId, at(-0.35 + (0.7 * (i + 0.5)) / lines, -0.2, 1), {
        ratedKw: Math.round((use === 'datacenter' ? 800 : 260) * rng.range(0.7, 1.3)),
      }),
    );
  }
}
