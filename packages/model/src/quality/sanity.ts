import { LOAD_KINDS } from '../park/metrics.js';
import type { Asset, Park, Point, Quality, Reading } from '../park/schema.js';

/**
 * Sanity checks per point: plausibility limits that MARK readings instead of dropping them.
 * A value outside the physical range becomes quality `bad`; an implausible jump or a counter
 * going backwards becomes `uncertain` (a meter reset or a swapped device is possible). The
 * reading is kept either way, so nothing is lost and the twin can show why a value is
 * doubtful. The same pure check runs in the collector before publishing and in the relay's
 * HTTP ingest.
 *
 * @example
 * const checker = createSanityChecker(defaultPointLimits(park))
 * const { readings, flags } = checker.check(batch)
 */
export interface PointLimits {
  /** Inclusive bounds in the point's unit; outside → quality `bad`. */
  min?: number;
  max?: number;
  /** Largest plausible |Δvalue| per second against the previous reading; above → `uncertain`. */
  maxRatePerS?: number;
  /** Counters never decrease; a decrease → `uncertain` (meter reset, rollover, swap). */
  monotonic?: boolean;
}

export const SANITY_REASONS = ['below_min', 'above_max', 'rate_exceeded', 'counter_decreased'] as const;
export type SanityReason = (typeof SANITY_REASONS)[number];

/** Severity of a quality: a check only ever makes quality worse, never better. */
const SEVERITY: Readonly<Record<Quality, number>> = { good: 0, uncertain: 1, stale: 2, bad: 3 };
const worse = (a: Quality, b: Quality): Quality => (SEVERITY[b] > SEVERITY[a] ? b : a);

/** How much above nameplate a power reading may go before it is implausible (|p| ≤ 1.5 × ratedKw). */
export const POWER_HEADROOM = 1.5;
/**
 * Temperatures change slower than this in any plant we model, °C per second. Not tighter: a
 * chiller starting or stopping steps its supply sensor by the full ΔT (~5 K) within one poll.
 */
export const MAX_TEMPERATURE_RATE_C_PER_S = 10;
const SECONDS_PER_HOUR = 3600;

/** Previous reading of a point, for rate and counter checks. */
export interface LastValue {
  ts: number;
  value: number;
}

export interface SanityResult {
  reading: Reading;
  /** Undefined when the reading passed every check. */
  reason?: SanityReason;
}

/**
 * Checks one reading against its limits and the point's previous reading. Pure: same input,
 * same output. Range beats rate (a value outside its range is `bad` whatever its history).
 */
export function checkReading(reading: Reading, limits: PointLimits | undefined, previous: LastValue | undefined): SanityResult {
  if (!limits || !Number.isFinite(reading.value)) return { reading };
  const v = reading.value;
  let reason: SanityReason | undefined;
  let quality: Quality = 'good';
  if (limits.min !== undefined && v < limits.min) {
    reason = 'below_min';
    quality = 'bad';
  } else if (limits.max !== undefined && v > limits.max) {
    reason = 'above_max';
    quality = 'bad';
  } else if (previous) {
    const dtS = (reading.ts - previous.ts) / 1000;
    if (limits.monotonic && dtS >= 0 && v < previous.value) {
      reason = 'counter_decreased';
      quality = 'uncertain';
    } else if (limits.maxRatePerS !== undefined && dtS > 0 && Math.abs(v - previous.value) / dtS > limits.maxRatePerS) {
      reason = 'rate_exceeded';
      quality = 'uncertain';
    }
  }
  if (!reason) return { reading };
  return { reading: { ...reading, quality: worse(reading.quality, quality) }, reason };
}

/** 1 kWh = 3.6 MJ. */
const GJ_PER_KWH = 0.0036;

/**
 * Default limits derived from the park model: power within ±1.5 × ratedKw, SOC and other
 * percentages 0–100, counters ≥ 0 and monotonic with at most 1.5 × ratedKw of energy per
 * hour, frequency 40–70 Hz, binary states 0–1. Points without a sensible default get none.
 */
export function defaultPointLimits(park: Park): Map<number, PointLimits> {
  const assets = new Map(park.assets.map((a) => [a.id, a]));
  const out = new Map<number, PointLimits>();
  for (const point of park.points) {
    const asset = assets.get(point.assetId);
    const limits = asset ? limitsOf(point, asset) : undefined;
    if (limits) out.set(point.id, limits);
  }
  return out;
}

function limitsOf(point: Point, asset: Asset): PointLimits | undefined {
  const maxKw = asset.rating.ratedKw === undefined ? undefined : asset.rating.ratedKw * POWER_HEADROOM;
  if (point.kind === 'counter') {
    // Energy counters cannot grow faster than the asset's maximum power (heat counters in GJ: 0.0036 GJ per kWh).
    const perKwh = point.unit === 'kWh' ? 1 : point.unit === 'GJ' ? GJ_PER_KWH : undefined;
    const rate = perKwh !== undefined && maxKw !== undefined ? (maxKw * perKwh) / SECONDS_PER_HOUR : undefined;
    return { min: 0, monotonic: true, ...(rate === undefined ? {} : { maxRatePerS: rate }) };
  }
  switch (point.unit) {
    case 'kW':
    case 'kvar': {
      if (maxKw === undefined) return undefined;
      // Generators and loads stay on their side of zero, with 5 % of headroom for meter noise.
      const oneSided = point.metric === 'p_kw' && (asset.kind === 'pv_inverter' || asset.kind === 'green_line_meter' || LOAD_KINDS.has(asset.kind));
      // A chiller's rating is electrical; its cooling output is COP (≤ 8 here) times that.
      const cooling = point.metric === 'cooling_kw';
      const positive = oneSided || cooling || point.metric === 'heat_kw';
      return { min: positive ? -0.05 * maxKw : -maxKw, max: cooling ? maxKw * 8 : maxKw };
    }
    case '%': {
      const cap = asset.rating.capacityKwh;
      // SOC moves at most maxKw/capacity per hour.
      const rate = point.metric === 'soc_pct' && cap !== undefined && maxKw !== undefined ? ((maxKw / cap) * 100) / SECONDS_PER_HOUR : undefined;
      return { min: 0, max: 100, ...(rate === undefined ? {} : { maxRatePerS: rate }) };
    }
    case 'Hz':
      return { min: 40, max: 70 };
    case 'W/m2':
      return { min: 0, max: 1500 };
    case '°C':
      return { min: -50, max: 150, maxRatePerS: MAX_TEMPERATURE_RATE_C_PER_S };
    case '':
      return point.metric === 'connected' || point.metric === 'running' ? { min: 0, max: 1 } : point.metric === 'cop' ? { min: 0, max: 15 } : undefined;
    default:
      return { min: 0 };
  }
}

export interface SanityFlag {
  /** Index of the reading in the checked array. */
  index: number;
  pointId: number;
  reason: SanityReason;
}

export interface SanityChecker {
  /** Marks implausible readings (same order and length); remembers the last value per point. */
  check(readings: readonly Reading[]): { readings: Reading[]; flags: SanityFlag[] };
  /** Limits in force for a point (undefined: unchecked). */
  limitsOf(pointId: number): PointLimits | undefined;
}

/**
 * Holds the previous value per point so rate and counter checks work across batches; the
 * check itself is `checkReading`. Readings that fail the range check do not become the
 * reference for the next one (a spike must not make the next good value look like a jump).
 */
export function createSanityChecker(limits: ReadonlyMap<number, PointLimits>): SanityChecker {
  const last = new Map<number, LastValue>();
  return {
    limitsOf: (pointId) => limits.get(pointId),
    check(readings) {
      const out: Reading[] = new Array(readings.length);
      const flags: SanityFlag[] = [];
      for (let i = 0; i < readings.length; i++) {
        const r = readings[i] as Reading;
        const prev = last.get(r.pointId);
        const { reading, reason } = checkReading(r, limits.get(r.pointId), prev);
        out[i] = reading;
        if (reason) flags.push({ index: i, pointId: r.pointId, reason });
        const inRange = reason !== 'below_min' && reason !== 'above_max';
        if (inRange && r.quality !== 'bad' && Number.isFinite(r.value) && (!prev || r.ts >= prev.ts)) last.set(r.pointId, { ts: r.ts, value: r.value });
      }
      return { readings: out, flags };
    },
  };
}
