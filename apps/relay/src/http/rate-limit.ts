/**
 * Per-identity rate limits (issue 7) as token buckets held in this relay's memory: each
 * identity (principal subject, device, or client address when signed out) has a bucket per
 * class that refills at `perMinute` and holds at most `burst`. Several relays each keep their
 * own buckets, so a client spread over N relays gets up to N × the limit — documented in
 * SECURITY.md; a shared store (Redis) is the step when that matters.
 */
export const RATE_CLASSES = ['sign_in', 'write', 'ingest'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];

export interface RateLimit {
  perMinute: number;
  burst: number;
}

export const DEFAULT_RATE_LIMITS: Readonly<Record<RateClass, RateLimit>> = {
  sign_in: { perMinute: 10, burst: 5 },
  write: { perMinute: 600, burst: 120 },
  ingest: { perMinute: 6_000, burst: 600 },
};

export interface RateLimiter {
  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(cls: RateClass, identity: string): number;
}

export function createRateLimiter(limits: Readonly<Record<RateClass, RateLimit>> = DEFAULT_RATE_LIMITS, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(cls, identity) {
      const limit = limits[cls];
      const key = `${cls}\u0000${identity}`;
      const t = now();
      const b = buckets.get(key) ?? { tokens: limit.burst, at: t };
      b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 60_000) * limit.perMinute);
      b.at = t;
      if (buckets.size > 100_000) buckets.clear(); // bounded memory under an address flood
      if (b.tokens >= 1) {
        b.tokens -= 1;
        buckets.set(key, b);
        return 0;
      }
      buckets.set(key, b);
      return Math.max(1, Math.ceil(((1 - b.tokens) / limit.perMinute) * 60));
    },
  };
}
