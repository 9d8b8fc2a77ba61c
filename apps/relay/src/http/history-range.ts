import { type HistoryResolution, MAX_HISTORY_BUCKETS, MAX_HISTORY_RANGE_MS, ROLLUP_RESOLUTION_MS } from '@zcp/model';
import { z } from 'zod';
import { ApiError } from './api-error.js';

/** Bucket widths a history query may use: round numbers people read on a chart axis. */
const NICE_BUCKETS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((s) => s * 1000);
const DEFAULT_RANGE_MS = 3600_000;

const IsoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-25T08:00:00Z' });

export const HistoryQuerySchema = z.object({
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  /** Forces the stored level to read; default: picked from the range. */
  resolution: z.enum(['raw', '1m', '1h', '1d']).optional(),
});

export interface HistoryRange {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  resolution: HistoryResolution;
}

const HOUR_MS = 3600_000;
const DAY_MS = 86400_000;
/**
 * The level a range reads, by its length. Each bound keeps a query to roughly 10,000 stored
 * rows or fewer for one point (a 1 Hz point has 21,600 raw readings in 6 h; 7 days are 10,080
 * minutes; 90 days 2,160 hours; 400 days 400 days), while the bucket width the range needs
 * anyway (≤ 1,000 buckets: 30 s, 15 min, 3 h, 1 day at those bounds) is never finer than the
 * level — so the answer looks the same as one aggregated from raw.
 */
const RESOLUTION_BY_RANGE: readonly [maxRangeMs: number, resolution: HistoryResolution][] = [
  [6 * HOUR_MS, 'raw'],
  [7 * DAY_MS, '1m'],
  [90 * DAY_MS, '1h'],
];

/** The stored level for a range of `rangeMs` (see RESOLUTION_BY_RANGE). */
export function pickHistoryResolution(rangeMs: number): HistoryResolution {
  return RESOLUTION_BY_RANGE.find(([max]) => rangeMs <= max)?.[1] ?? '1d';
}

/**
 * Validates a history query, picks the stored level from the range (or takes `resolution`)
 * and the bucket width: the smallest round width that keeps the answer within
 * MAX_HISTORY_BUCKETS (an unaligned range can touch one extra bucket), and at least the
 * level's width, so that no rollup row straddles two buckets.
 */
export function resolveHistoryRange(query: Record<string, string | undefined>, nowMs: number): HistoryRange {
  const parsed = HistoryQuerySchema.safeParse(query);
  if (!parsed.success) throw ApiError.fromZod('invalid_query', parsed.error, 'query');
  const toMs = parsed.data.to ? Date.parse(parsed.data.to) : nowMs;
  const fromMs = parsed.data.from ? Date.parse(parsed.data.from) : toMs - DEFAULT_RANGE_MS;
  if (!(fromMs < toMs))
    throw new ApiError(400, 'invalid_range', `'from' (${new Date(fromMs).toISOString()}) must be before 'to' (${new Date(toMs).toISOString()})`);
  const rangeMs = toMs - fromMs;
  if (rangeMs > MAX_HISTORY_RANGE_MS)
    throw new ApiError(400, 'range_too_long', `range of ${Math.round(rangeMs / 86400_000)} days exceeds the ${MAX_HISTORY_RANGE_MS / 86400_000}-day limit`);
  const minBucketMs = rangeMs / (MAX_HISTORY_BUCKETS - 1);
  const niceMs = NICE_BUCKETS_MS.find((b) => b >= minBucketMs) ?? Math.ceil(minBucketMs / 86400_000) * 86400_000;
  const resolution = parsed.data.resolution ?? pickHistoryResolution(rangeMs);
  // Every nice width of a minute or more is a whole number of minutes, of an hour or more a
  // whole number of hours, and of a day or more a whole number of days.
  const bucketMs = resolution === 'raw' ? niceMs : Math.max(niceMs, ROLLUP_RESOLUTION_MS[resolution]);
  return { fromMs, toMs, bucketMs, resolution };
}
