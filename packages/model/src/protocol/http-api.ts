/** Response shapes of the relay's HTTP API (the web app reads them through these types). */

/** RFC 9457 problem details, with a stable machine-readable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: { path: string; message: string }[];
}

export interface HistoryBucket {
  /** Bucket start, epoch ms. */
  t: number;
  avg: number;
  min: number;
  max: number;
  last: number;
  n: number;
}

/** Resolutions the relay keeps rollups at (1 minute, 1 hour, 1 day; UTC-aligned). */
export const ROLLUP_RESOLUTIONS = ['1m', '1h', '1d'] as const;
export type RollupResolution = (typeof ROLLUP_RESOLUTIONS)[number];
/** What a history answer was read from: raw readings or one rollup level. */
export type HistoryResolution = 'raw' | RollupResolution;
export const ROLLUP_RESOLUTION_MS: Readonly<Record<RollupResolution, number>> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

export interface PointHistory {
  pointId: number;
  from: string;
  to: string;
  bucketMs: number;
  /** The stored level the buckets were built from (the not-yet-rolled tail always comes from raw). */
  resolution: HistoryResolution;
  buckets: HistoryBucket[];
}

/** Energy of one bucket, from counter increases (resets counted from 0). */
export interface EnergyBucket {
  /** Bucket start, epoch ms. */
  t: number;
  importKwh: number;
  exportKwh: number;
  /** importKwh − exportKwh. */
  netKwh: number;
  /** netKwh × the grid emission factor, tonnes CO2 (location-based, indicative). */
  co2T: number;
}

/** `GET /api/parks/:parkId/energy`: energy and carbon windows of the park and of each enterprise. */
export interface ParkEnergy {
  parkId: string;
  from: string;
  to: string;
  resolution: RollupResolution;
  bucketMs: number;
  emissionFactor: { kgCo2PerKwh: number; source: string };
  /** The park's grid connection meter(s); buckets with no reading are left out. */
  park: EnergyBucket[];
  enterprises: { enterpriseId: string; buckets: EnergyBucket[] }[];
}

export interface PointState {
  pointId: number;
  ts: number;
  value: number;
  quality: number;
}

/** Upper bound on buckets a history query returns. */
export const MAX_HISTORY_BUCKETS = 1000;
/** Longest range one history query may span. */
export const MAX_HISTORY_RANGE_MS = 400 * 24 * 3600 * 1000;
