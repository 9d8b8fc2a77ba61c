import type { Random } from '../system.js';

export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 250. */
  initialDelayMs?: number;
  /** Cap on the delay, ms. Default 30 000. */
  maxDelayMs?: number;
}

/**
 * Exponential backoff with "equal jitter": delay = d/2 + random·d/2 with d = initial·2^attempt
 * capped at max. Jitter keeps a fleet of collectors from reconnecting to a recovered
 * gateway in lockstep; the deterministic half keeps the delay from collapsing to zero.
 *
 * @example
 * backoffDelayMs(3, Math.random) // between 1,000 and 2,000 ms with the defaults
 */
export function backoffDelayMs(attempt: number, random: Random, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 30_000;
  const d = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return d / 2 + (random() * d) / 2;
}
