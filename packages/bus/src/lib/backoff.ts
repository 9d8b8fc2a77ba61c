/** First delay of a back-off sequence. */
export const BACKOFF_BASE_MS = 100;
/** Longest delay: a broken handler or an absent server is retried at least this often. */
export const BACKOFF_MAX_MS = 5_000;

/**
 * Exponential back-off, capped: 100, 200, 400 … 5000 ms for attempt 1, 2, 3 …
 * Used for redelivering a batch whose handler threw (so a failing database is not hammered)
 * and for retrying a pull loop after a server error.
 */
export function backoffMs(attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(BACKOFF_BASE_MS * 2 ** (n - 1), BACKOFF_MAX_MS);
}
