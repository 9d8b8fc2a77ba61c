import { type Point, QUALITIES, type Quality, type Reading, type SanityChecker, type SanityReason } from '@zcp/model';
import type { DeviceIdentity } from './device-auth.js';
import type { RawRow } from './parse-body.js';

/** Why a pushed row was not accepted. Stable codes: devices may branch on them. */
export const INGEST_REJECT_REASONS = [
  'malformed_row',
  'unknown_point',
  'point_not_allowed',
  'bad_timestamp',
  'timestamp_in_future',
  'bad_value',
  'non_finite_value',
  'value_out_of_range',
  'bad_quality',
  'duplicate_in_request',
] as const;
export type IngestRejectReason = (typeof INGEST_REJECT_REASONS)[number];

export type RowResult =
  | { row: number; status: 'accepted'; pointId: number; ts: number; quality: Quality; flag?: SanityReason }
  | { row: number; status: 'rejected'; reason: IngestRejectReason; detail: string };

/** A reading accepted for publishing, with where it came from. */
export interface AcceptedRow {
  row: number;
  point: Point;
  reading: Reading;
}

export interface JudgeContext {
  device: DeviceIdentity;
  /** Point by id, and by tag (`asset.metric`). */
  pointById(id: number): Point | undefined;
  pointByTag(tag: string): Point | undefined;
  /** Sanity checker of the park a point belongs to. */
  checkerOf(point: Point): SanityChecker | undefined;
  receivedAt: number;
}

/** Device clocks drift; further ahead than this is a wrong clock, not a reading. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Readings before this are a device with an unset clock (1970…). */
export const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
/** No quantity we store comes near this; beyond it a value is garbage (e.g. an unscaled register). */
export const MAX_ABS_VALUE = 1e12;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const reject = (row: number, reason: IngestRejectReason, detail: string): RowResult => ({ row, status: 'rejected', reason, detail });

function parseTimestamp(ts: unknown, receivedAt: number): number | string {
  if (ts === undefined || ts === null) return receivedAt;
  let ms: number;
  if (typeof ts === 'number') ms = ts;
  else if (typeof ts === 'string' && /^\d+$/.test(ts)) ms = Number(ts);
  else if (typeof ts === 'string' && ISO_WITH_ZONE.test(ts)) ms = Date.parse(ts);
  else return 'ts must be an ISO 8601 time with zone or epoch milliseconds';
  if (!Number.isInteger(ms)) return 'ts must be a whole number of epoch milliseconds';
  if (ms < MIN_TIMESTAMP_MS) return `ts ${ms} is before 2000-01-01 (device clock not set?)`;
  return ms;
}

function parseValue(v: unknown): number | { reason: IngestRejectReason; detail: string } {
  let x: number;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) x = Number(v);
  else if (typeof v === 'string' && /^\s*[-+]?(nan|inf|infinity)\s*$/i.test(v))
    return { reason: 'non_finite_value', detail: `value '${v}' is not a finite number` };
  else return { reason: 'bad_value', detail: `value must be a number, got ${JSON.stringify(v) ?? 'nothing'}` };
  if (!Number.isFinite(x)) return { reason: 'non_finite_value', detail: 'value is not a finite number' };
  if (Math.abs(x) > MAX_ABS_VALUE) return { reason: 'value_out_of_range', detail: `|value| must be ≤ ${MAX_ABS_VALUE}` };
  return x;
}

function parseQuality(q: unknown): Quality | undefined {
  if (q === undefined || q === null) return 'good';
  if (typeof q === 'string' && (QUALITIES as readonly string[]).includes(q)) return q as Quality;
  const code = typeof q === 'number' ? q : typeof q === 'string' && /^[0-3]$/.test(q) ? Number(q) : Number.NaN;
  return Number.isInteger(code) ? QUALITIES[code] : undefined;
}

/**
 * Judges every pushed row on its own: rejects what cannot be stored (with a reason code),
 * marks implausible values through the park's sanity checker (kept, quality lowered, flag set).
 */
export function judgeRows(rows: readonly RawRow[], ctx: JudgeContext): { results: RowResult[]; accepted: AcceptedRow[] } {
  const results: RowResult[] = [];
  const candidates: AcceptedRow[] = [];
  const seen = new Set<string>();
  for (const [row, raw] of rows.entries()) {
    if (raw.malformed) {
      results.push(reject(row, 'malformed_row', raw.malformed));
      continue;
    }
    const point =
      typeof raw.point === 'number'
        ? ctx.pointById(raw.point)
        : typeof raw.point === 'string' && raw.point.length <= 200
          ? ctx.pointByTag(raw.point)
          : undefined;
    if (!point) {
      results.push(reject(row, 'unknown_point', `no point ${JSON.stringify(raw.point) ?? '(missing)'} (use a point id or tag)`));
      continue;
    }
    if (!ctx.device.allows(point)) {
      results.push(reject(row, 'point_not_allowed', `device '${ctx.device.deviceId}' may not write point ${point.id} (${point.tag})`));
      continue;
    }
    const ts = parseTimestamp(raw.ts, ctx.receivedAt);
    if (typeof ts === 'string') {
      results.push(reject(row, 'bad_timestamp', ts));
      continue;
    }
    if (ts > ctx.receivedAt + MAX_FUTURE_SKEW_MS) {
      results.push(reject(row, 'timestamp_in_future', `ts ${new Date(ts).toISOString()} is more than ${MAX_FUTURE_SKEW_MS / 1000} s ahead of the relay clock`));
      continue;
    }
    const value = parseValue(raw.value);
    if (typeof value !== 'number') {
      results.push(reject(row, value.reason, value.detail));
      continue;
    }
    const quality = parseQuality(raw.quality);
    if (!quality) {
      results.push(reject(row, 'bad_quality', `quality must be one of ${QUALITIES.join(', ')} or 0–3`));
      continue;
    }
    const key = `${point.id}@${ts}`;
    if (seen.has(key)) {
      results.push(reject(row, 'duplicate_in_request', `point ${point.id} at ${ts} appears earlier in this request`));
      continue;
    }
    seen.add(key);
    candidates.push({ row, point, reading: { pointId: point.id, ts, value, quality } });
    results.push({ row, status: 'accepted', pointId: point.id, ts, quality });
  }
  // Sanity marks, in time order per point so rate checks compare neighbours.
  const ordered = [...candidates].sort((a, b) => a.reading.ts - b.reading.ts);
  for (const c of ordered) {
    const checker = ctx.checkerOf(c.point);
    if (!checker) continue;
    const { readings, flags } = checker.check([c.reading]);
    c.reading = readings[0] as Reading;
    const flag = flags[0]?.reason;
    const result = results[c.row]; // one result per row, in row order
    if (result?.status === 'accepted') {
      result.quality = c.reading.quality;
      if (flag) result.flag = flag;
    }
  }
  return { results, accepted: candidates };
}
