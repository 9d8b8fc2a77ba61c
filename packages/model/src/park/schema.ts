import { z } from 'zod';

/**
 * Identifiers appear as NATS subject tokens, so they may not contain '.', '*', '>' or
 * white space. One regex for all of them keeps every id subject-safe by construction.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const IdSchema = z.string().regex(ID_PATTERN, 'id must be 1–64 characters of A–Z a–z 0–9 _ -');

export const LocalizedTextSchema = z.object({ zh: z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** A point in the park's local frame, metres: x east, y north, z up, from the park origin. */
export const Vec3Schema = z.object({ x: z.number(), y: z.number(), z: z.number() });
export type Vec3 = z.infer<typeof Vec3Schema>;
export const Vec2Schema = z.tuple([z.number(), z.number()]);

export const ShiftPatternSchema = z.enum(['day', 'two_shift', 'continuous', 'office']);
export type ShiftPattern = z.infer<typeof ShiftPatternSchema>;

export const EnterpriseSchema = z.object({
  id: IdSchema,
  name: LocalizedTextSchema,
  industry: z.string(),
  shift: ShiftPatternSchema,
  /** Fraction of weekday load that runs at weekends (0..1). */
  weekendFactor: z.number().min(0).max(1),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
});
export type Enterprise = z.infer<typeof EnterpriseSchema>;

export const BuildingSchema = z.object({
  id: IdSchema,
  enterpriseId: IdSchema.nullable(),
  name: LocalizedTextSchema,
  use: z.enum(['factory', 'warehouse', 'office', 'lab', 'datacenter', 'utility']),
  /** Closed polygon (first point not repeated), counter-clockwise, local metres. */
  footprint: z.array(Vec2Schema).min(3),
  heightM: z.number().positive(),
  floors: z.number().int().positive(),
});
export type Building = z.infer<typeof BuildingSchema>;

export const ASSET_KINDS = [
  'grid_meter',
  'sub_meter',
  'pv_inverter',
  'battery',
  'ev_charger',
  'gas_boiler',
  'chiller',
  'production_line',
  'building_load',
  'heat_meter',
  'green_line_meter',
] as const;
export const AssetKindSchema = z.enum(ASSET_KINDS);
export type AssetKind = z.infer<typeof AssetKindSchema>;

export const AssetSchema = z.object({
  id: IdSchema,
  kind: AssetKindSchema,
  name: LocalizedTextSchema,
  enterpriseId: IdSchema.nullable(),
  buildingId: IdSchema.nullable(),
  position: Vec3Schema,
  /** Nameplate figures the simulator and the twin use; all optional, units in the key. */
  rating: z.object({
    ratedKw: z.number().positive().optional(),
    capacityKwh: z.number().positive().optional(),
    /** PV array area and azimuth/tilt for the sun model. */
    areaM2: z.number().positive().optional(),
    tiltDeg: z.number().min(0).max(90).optional(),
    azimuthDeg: z.number().min(0).max(360).optional(),
  }),
  /**
   * `heat_meter`: where the bought heat comes from — `fossil` (a coal or gas CHP, a boiler
   * plant: default 0.11 tCO2/GJ) or `non_fossil` (biomass, heat pumps on green power, waste
   * heat: EF 0). Absent means fossil (CARB-PM-5).
   */
  heatOrigin: z.enum(['fossil', 'non_fossil']).optional(),
  /**
   * `green_line_meter`: the off-site wind or PV plant the dedicated line comes from (its id in
   * the certificate registry), so a certificate of the same plant is not applied on top of the
   * direct supply (CARB-CERT-3).
   */
  facilityId: z.string().min(1).max(128).optional(),
});
export type Asset = z.infer<typeof AssetSchema>;

export const POINT_UNITS = ['kW', 'kWh', 'kvar', 'V', 'Hz', '%', '°C', 'm3', 'm3/h', 'W/m2', 'units/h', 'GJ', ''] as const;
export const PointUnitSchema = z.enum(POINT_UNITS);
export type PointUnit = z.infer<typeof PointUnitSchema>;

export const PointSchema = z.object({
  /** Integer id: compact on the wire and in the readings table. */
  id: z.number().int().positive(),
  /** Human-readable, stable tag: `${assetId}.${metric}`. */
  tag: z.string(),
  assetId: IdSchema,
  metric: z.string().regex(/^[a-z0-9_]+$/),
  unit: PointUnitSchema,
  /** gauge: an instantaneous value; counter: monotonic accumulation (energy, volume). */
  kind: z.enum(['gauge', 'counter']),
});
export type Point = z.infer<typeof PointSchema>;

export const ParkSchema = z.object({
  id: IdSchema,
  name: LocalizedTextSchema,
  location: z.object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    timezone: z.string(),
    /** Offset of local standard time from UTC, hours (the simulator's shift clock). */
    utcOffsetH: z.number(),
  }),
  /** Extent of the site plan in local metres: [minX, minY, maxX, maxY]. */
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  enterprises: z.array(EnterpriseSchema),
  buildings: z.array(BuildingSchema),
  assets: z.array(AssetSchema),
  points: z.array(PointSchema),
});
export type Park = z.infer<typeof ParkSchema>;

export const QUALITIES = ['good', 'uncertain', 'bad', 'stale'] as const;
export const QualitySchema = z.enum(QUALITIES);
export type Quality = z.infer<typeof QualitySchema>;
/** Storage and wire code of each quality (smallint in the readings table). */
export const QUALITY_CODE: Readonly<Record<Quality, number>> = { good: 0, uncertain: 1, bad: 2, stale: 3 };
export function qualityFromCode(code: number): Quality {
  const q = QUALITIES[code];
  if (q === undefined) throw new RangeError(`unknown quality code ${code}`);
  return q;
}

export const ReadingSchema = z.object({
  pointId: z.number().int().positive(),
  /** Epoch milliseconds (UTC). */
  ts: z.number().int().nonnegative(),
  value: z.number().finite(),
  quality: QualitySchema,
});
export type Reading = z.infer<typeof ReadingSchema>;

/** Park summary for listings, without the (large) point list. */
export interface ParkSummary {
  id: string;
  name: LocalizedText;
  enterprises: number;
  buildings: number;
  assets: number;
  points: number;
}

export function summarizePark(park: Park): ParkSummary {
  return {
    id: park.id,
    name: park.name,
    enterprises: park.enterprises.length,
    buildings: park.buildings.length,
    assets: park.assets.length,
    points: park.points.length,
  };
}
