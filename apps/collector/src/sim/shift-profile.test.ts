import { describe, expect, it } from 'vitest';
import { localTime } from './local-time.js';
import { enterpriseActivity, shiftActivity } from './shift-profile.js';

describe('shiftActivity', () => {
  it('stays within 0..1 and is continuous across the day for every pattern', () => {
    for (const shift of ['day', 'two_shift', 'continuous', 'office'] as const) {
      let previous = shiftActivity(shift, 0);
      let min = previous;
      let max = previous;
      let biggestJump = 0;
      for (let h = 0; h < 24; h += 1 / 60) {
        const v = shiftActivity(shift, h);
        min = Math.min(min, v);
        max = Math.max(max, v);
        biggestJump = Math.max(biggestJump, Math.abs(v - previous));
        previous = v;
      }
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(biggestJump).toBeLessThan(0.3); // no jumps: ramps and dips only
      expect(Math.abs(shiftActivity(shift, 23.999) - shiftActivity(shift, 0))).toBeLessThan(0.01);
    }
  });

  it('follows the shift hours', () => {
    expect(shiftActivity('day', 3)).toBe(0);
    expect(shiftActivity('day', 10)).toBe(1);
    expect(shiftActivity('day', 12.5)).toBeLessThan(0.7); // lunch
    expect(shiftActivity('day', 20)).toBe(0);
    expect(shiftActivity('two_shift', 20)).toBe(1);
    expect(shiftActivity('two_shift', 3)).toBe(0);
    expect(shiftActivity('continuous', 3)).toBe(1);
    expect(shiftActivity('office', 7.75)).toBeGreaterThan(0);
    expect(shiftActivity('office', 7.75)).toBeLessThan(0.5); // arrival ramp
  });
});

describe('enterpriseActivity', () => {
  it('applies the weekend factor on Saturday and Sunday of the local calendar only', () => {
    const ent = { shift: 'day' as const, weekendFactor: 0.3 };
    // 2025-06-07 is a Saturday; 10:00 in UTC+8 is 02:00 UTC.
    const saturday = localTime(Date.UTC(2025, 5, 7, 2), 8);
    const friday = localTime(Date.UTC(2025, 5, 6, 2), 8);
    expect(saturday.weekend).toBe(true);
    expect(friday.weekend).toBe(false);
    expect(enterpriseActivity(ent, saturday)).toBeCloseTo(0.3, 12);
    expect(enterpriseActivity(ent, friday)).toBe(1);
    // Friday 20:00 UTC is already Saturday 04:00 in UTC+8.
    expect(localTime(Date.UTC(2025, 5, 6, 20), 8).dayOfWeek).toBe(6);
  });
});
