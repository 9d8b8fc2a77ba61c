import { buildPark, type EnterpriseSeed, type GreenLineSeed, type HeatMeterSeed } from './build-park.js';
import type { Park } from './schema.js';

export const DEMO_PARK_ID = 'demo';

/** The demo park's tenants: real industry mixes of a Yangtze-delta industrial park. */
export const DEMO_ENTERPRISES: readonly EnterpriseSeed[] = [
  {
    id: 'huaxin',
    name: { zh: '华芯半导体', en: 'Huaxin Semiconductor' },
    industry: 'semiconductors',
    shift: 'continuous',
    weekendFactor: 0.95,
    color: '#4f7cff',
    buildings: ['factory', 'factory', 'lab', 'office'],
  },
  {
    id: 'lvyuan',
    name: { zh: '绿源新能源', en: 'Lvyuan New Energy' },
    industry: 'battery-packs',
    shift: 'two_shift',
    weekendFactor: 0.5,
    color: '#2bb673',
    buildings: ['factory', 'factory', 'warehouse', 'office'],
  },
  {
    id: 'jinggong',
    name: { zh: '精工机械', en: 'Jinggong Machinery' },
    industry: 'machinery',
    shift: 'two_shift',
    weekendFactor: 0.3,
    color: '#f29f3d',
    buildings: ['factory', 'factory', 'warehouse'],
  },
  {
    id: 'kangning',
    name: { zh: '康宁生物医药', en: 'Kangning Biopharma' },
    industry: 'pharmaceuticals',
    shift: 'continuous',
    weekendFactor: 0.85,
    color: '#b45ce6',
    buildings: ['factory', 'lab', 'lab', 'office'],
  },
  {
    id: 'yuanhang',
    name: { zh: '远航物流', en: 'Yuanhang Logistics' },
    industry: 'logistics',
    shift: 'day',
    weekendFactor: 0.6,
    color: '#16a8c7',
    buildings: ['warehouse', 'warehouse', 'warehouse', 'office'],
  },
  {
    id: 'hengtong',
    name: { zh: '恒通汽车零部件', en: 'Hengtong Auto Parts' },
    industry: 'auto-parts',
    shift: 'two_shift',
    weekendFactor: 0.4,
    color: '#e0533d',
    buildings: ['factory', 'factory', 'factory', 'warehouse'],
  },
  {
    id: 'tiancheng',
    name: { zh: '天成食品', en: 'Tiancheng Foods' },
    industry: 'food',
    shift: 'two_shift',
    weekendFactor: 0.7,
    color: '#c9b531',
    buildings: ['factory', 'warehouse', 'office'],
  },
  {
    id: 'yunshu',
    name: { zh: '云数数据中心', en: 'Yunshu Data Centre' },
    industry: 'data-centre',
    shift: 'continuous',
    weekendFactor: 1,
    color: '#5d6b8a',
    buildings: ['datacenter', 'datacenter', 'office'],
  },
  {
    id: 'xincai',
    name: { zh: '新材科技', en: 'Xincai Materials' },
    industry: 'materials',
    shift: 'continuous',
    weekendFactor: 0.9,
    color: '#8a5a44',
    buildings: ['factory', 'factory', 'lab', 'warehouse'],
  },
  {
    id: 'service',
    name: { zh: '园区服务中心', en: 'Park Service Centre' },
    industry: 'park-operations',
    shift: 'office',
    weekendFactor: 0.2,
    color: '#7a8a99',
    buildings: ['office', 'utility', 'office'],
  },
];

/** Steam bought from the district CHP plant (coal/gas, fossil) by the two process-heat users. */
export const DEMO_HEAT_METERS: readonly HeatMeterSeed[] = [
  { enterpriseId: 'tiancheng', ratedKw: 1_800, origin: 'fossil', name: { zh: '天成食品 外购蒸汽表', en: 'Tiancheng purchased steam meter' } },
  { enterpriseId: 'kangning', ratedKw: 2_500, origin: 'fossil', name: { zh: '康宁生物医药 外购蒸汽表', en: 'Kangning purchased steam meter' } },
];

/** 绿电直连: an off-site wind farm's dedicated line into the semiconductor fab (continuous load, never exported). */
export const DEMO_GREEN_LINES: readonly GreenLineSeed[] = [
  {
    enterpriseId: 'huaxin',
    ratedKw: 2_000,
    facilityId: 'WIND-DAFENG-01',
    name: { zh: '华芯半导体 大丰风电直连线', en: 'Huaxin direct line from Dafeng wind farm' },
  },
];

/**
 * The demo park "示范园区 / Demo Park": 10 enterprises, 36 buildings, rooftop PV, a park
 * battery, EV chargers, a gas boiler, production lines, purchased steam for two enterprises
 * and a direct green line into one — over 1,000 points.
 *
 * @example
 * const park = demoPark(); park.points.length // > 1000
 */
export function demoPark(options: { id?: string; seed?: number } = {}): Park {
  return buildPark({
    id: options.id ?? DEMO_PARK_ID,
    name: { zh: '示范园区', en: 'Demo Park' },
    seed: options.seed ?? 2025,
    enterprises: DEMO_ENTERPRISES,
    heatMeters: DEMO_HEAT_METERS,
    greenLines: DEMO_GREEN_LINES,
  });
}

const SHIFTS = ['continuous', 'two_shift', 'day', 'office'] as const;
const USE_MIX = [
  ['factory', 'factory', 'lab', 'office'],
  ['factory', 'warehouse', 'warehouse'],
  ['datacenter', 'office'],
  ['factory', 'factory', 'factory', 'warehouse'],
] as const;

/**
 * A park of exactly `assets` assets (for benchmarks: 10,000+), laid out on the same site
 * grid as the demo park with generated tenants.
 *
 * @example
 * generatePark({ assets: 10_000 }).assets.length === 10_000
 */
export function generatePark(options: { assets: number; id?: string; seed?: number }): Park {
  if (!Number.isInteger(options.assets) || options.assets < 1) throw new RangeError('assets must be a positive integer');
  const enterprises: EnterpriseSeed[] = [];
  // About 30 assets per generated tenant; make enough and let maxAssets trim the tail.
  const count = Math.ceil(options.assets / 8) + 1;
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(5, '0');
    enterprises.push({
      id: `ent${n}`,
      name: { zh: `企业 ${n}`, en: `Enterprise ${n}` },
      industry: 'generated',
      shift: SHIFTS[i % SHIFTS.length] as EnterpriseSeed['shift'],
      weekendFactor: 0.5,
      color: `#${(((i * 2654435761) >>> 8) & 0xffffff).toString(16).padStart(6, '0')}`,
      buildings: USE_MIX[i % USE_MIX.length] as unknown as EnterpriseSeed['buildings'],
    });
  }
  const park = buildPark({
    id: options.id ?? `gen${options.assets}`,
    name: { zh: `生成园区（${options.assets} 设备）`, en: `Generated park (${options.assets} assets)` },
    seed: options.seed ?? 7,
    enterprises,
    maxAssets: options.assets,
  });
  if (park.assets.length !== options.assets) throw new Error(`generator made ${park.assets.length} assets, wanted ${options.assets}`);
  return park;
}
