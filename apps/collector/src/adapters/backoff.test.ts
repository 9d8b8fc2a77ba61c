import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  it('doubles per attempt between half and the full delay, capped', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(125);
    expect(backoffDelayMs(0, () => 1)).toBe(250);
    expect(backoffDelayMs(3, () => 0.5)).toBe(1500);
    expect(backoffDelayMs(50, () => 1)).toBe(30_000);
    expect(backoffDelayMs(50, () => 0)).toBe(15_000);
    expect(backoffDelayMs(2, () => 1, { initialDelayMs: 10, maxDelayMs: 25 })).toBe(25);
  });
});
