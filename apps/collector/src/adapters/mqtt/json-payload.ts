/**
 * Reading values out of device JSON: dot paths (`data.power.value`, `values[2]`), timestamps
 * in epoch ms, epoch s or ISO 8601, and the few unit conversions field devices need
 * (W → kW, Wh → kWh, L → m³ …).
 */

/** A parsed field path: `data.power.value` or `values[0].v` → ['data','power','value']. */
export type FieldPath = readonly string[];

export function parseFieldPath(path: string): FieldPath {
  const parts = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new RangeError(`empty field path '${path}'`);
  return parts;
}

export function getField(doc: unknown, path: FieldPath): unknown {
  let cur = doc;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A JSON value as a number: numbers, numeric strings ("12.5") and booleans (1/0); else undefined. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Below this a numeric timestamp is taken as epoch seconds (1e11 ms is 1973; 1e11 s is year 5138). */
const EPOCH_SECONDS_BELOW = 1e11;

export type TimestampFormat = 'auto' | 'ms' | 's' | 'iso';

/** Epoch ms from a timestamp field, or undefined when it cannot be read. */
export function parseTimestamp(v: unknown, format: TimestampFormat = 'auto'): number | undefined {
  if (typeof v === 'string' && format !== 'ms' && format !== 's') {
    const asNumber = Number(v);
    if (format === 'auto' && v.trim() !== '' && Number.isFinite(asNumber)) return parseTimestamp(asNumber, 'auto');
    const t = Date.parse(v);
    return Number.isFinite(t) && t >= 0 ? Math.round(t) : undefined;
  }
  const n = toNumber(v);
  if (n === undefined || n < 0 || format === 'iso') return undefined;
  const ms = format === 'ms' ? n : format === 's' ? n * 1000 : n < EPOCH_SECONDS_BELOW ? n * 1000 : n;
  return Math.round(ms);
}

/** Each unit as a multiple of its family's base unit (the model's units: kW, kWh, m3, …). */
const UNIT_FACTORS: Readonly<Record<string, readonly [base: string, factor: number]>> = {
  W: ['kW', 0.001],
  kW: ['kW', 1],
  MW: ['kW', 1000],
  Wh: ['kWh', 0.001],
  kWh: ['kWh', 1],
  MWh: ['kWh', 1000],
  MJ: ['GJ', 0.001],
  GJ: ['GJ', 1],
  var: ['kvar', 0.001],
  kvar: ['kvar', 1],
  L: ['m3', 0.001],
  m3: ['m3', 1],
  'm³': ['m3', 1],
  'L/h': ['m3/h', 0.001],
  'm3/h': ['m3/h', 1],
  'm³/h': ['m3/h', 1],
  mV: ['V', 0.001],
  V: ['V', 1],
  kV: ['V', 1000],
};

/**
 * The factor turning a value in `from` into `to`; 1 for equal units; undefined when the two
 * are not convertible (different families, or a unit we do not know).
 *
 * @example
 * unitFactor('W', 'kW') // 0.001
 */
export function unitFactor(from: string, to: string): number | undefined {
  if (from === to) return 1;
  const a = UNIT_FACTORS[from];
  const b = UNIT_FACTORS[to];
  if (!a || !b || a[0] !== b[0]) return undefined;
  return a[1] / b[1];
}

/** The base unit of a family (`W` → `kW`); the unit itself when unknown. */
export function baseUnit(unit: string): string {
  return UNIT_FACTORS[unit]?.[0] ?? unit;
}
