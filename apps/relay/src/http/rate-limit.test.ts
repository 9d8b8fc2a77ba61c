import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('rate limiter', () => {
  it('lets a burst through, then refuses with the wait, refills over time, and keeps identities apart', () => {
    let t = 0;
    const rl = createRateLimiter({ sign_in: { perMinute: 6, burst: 3 }, write: { perMinute: 60, burst: 1 }, ingest: { perMinute: 60, burst: 1 } }, () => t);
    expect([rl.take('sign_in', 'a'), rl.take('sign_in', 'a'), rl.take('sign_in', 'a')]).toEqual([0, 0, 0]);
    expect(rl.take('sign_in', 'a')).toBe(10); // one token per 10 s
    expect(rl.take('sign_in', 'b')).toBe(0);
    expect(rl.take('write', 'a')).toBe(0);
    t += 10_000;
    expect(rl.take('sign_in', 'a')).toBe(0);
    expect(rl.take('sign_in', 'a')).toBeGreaterThan(0);
  });
});
