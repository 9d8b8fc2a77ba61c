import { MAX_HISTORY_BUCKETS, MAX_HISTORY_RANGE_MS } from '@zcp/model';
import { z } from 'zod';
import { ApiError } from './api-error.js';

/** Bucket widths a history query may use: round numbers people read on a chart axis. */
const NICE_BUCKETS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((s) => s * 1000);
const DEFAULT_RANGE_MS = 3600_000;

const IsoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-25T08:00:00Z' });

export const HistoryQuerySchema = z.object({ from: IsoTime.optional(), to: IsoTime.optional() });

export interface HistoryRange {
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

/**
 * Validates a history query and picks the bucket width: the smallest round width that keeps
 * the answer within MAX_HISTORY_BUCKETS (an unaligned range can touch one extra bucket).
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
  const bucketMs = NICE_BUCKETS_MS.find((b) => b >= minBucketMs) ?? Math.ceil(minBucketMs / 86400_000) * 86400_000;
  return { fromMs, toMs, bucketMs };
}
