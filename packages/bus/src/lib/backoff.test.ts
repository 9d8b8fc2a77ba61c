import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it('doubles from 100 ms and caps at the maximum', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([100, 200, 400, 800]);
    expect(backoffMs(50)).toBe(BACKOFF_MAX_MS);
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffMs(0)).toBe(100);
    expect(backoffMs(-3)).toBe(100);
  });
});
