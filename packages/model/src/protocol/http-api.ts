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

export interface PointHistory {
  pointId: number;
  from: string;
  to: string;
  bucketMs: number;
  buckets: HistoryBucket[];
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
