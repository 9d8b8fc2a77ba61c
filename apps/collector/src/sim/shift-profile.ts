import type { Enterprise, ShiftPattern } from '@zcp/model';
import type { LocalTime } from './local-time.js';

/**
 * Activity level 0..1 of a shift pattern over the local day, as piecewise-linear
 * breakpoints [hour, level]: ramps at shift starts and ends, dips at lunch and at shift
 * changes. Plant loads are `base + (1 − base) · activity`.
 */
const PROFILES: Readonly<Record<ShiftPattern, readonly (readonly [number, number])[]>> = {
  // One day shift 08:00–17:00, lunch 12:15–12:45.
  day: [
    [0, 0],
    [7, 0],
    [8, 1],
    [12, 1],
    [12.25, 0.6],
    [12.75, 0.6],
    [13, 1],
    [17, 1],
    [18, 0],
    [24, 0],
  ],
  // Two shifts 06:00–14:00 and 14:00–22:00: lunch and supper breaks, a handover dip.
  two_shift: [
    [0, 0],
    [5.5, 0],
    [6.5, 1],
    [11.5, 1],
    [11.75, 0.8],
    [12.25, 0.8],
    [12.5, 1],
    [13.75, 1],
    [14, 0.85],
    [14.25, 1],
    [17.75, 1],
    [18, 0.85],
    [18.5, 0.85],
    [18.75, 1],
    [21.5, 1],
    [22.5, 0],
    [24, 0],
  ],
  // Three shifts round the clock: only the handovers at 00:00, 08:00 and 16:00 show.
  continuous: [
    [0, 0.92],
    [0.25, 1],
    [7.75, 1],
    [8, 0.92],
    [8.25, 1],
    [15.75, 1],
    [16, 0.92],
    [16.25, 1],
    [23.75, 1],
    [24, 0.92],
  ],
  // Offices: arrival 07:30–09:00, long lunch, a tail of late workers until 21:00.
  office: [
    [0, 0],
    [7.5, 0],
    [9, 1],
    [11.75, 1],
    [12, 0.55],
    [13.25, 0.55],
    [13.5, 1],
    [17.5, 1],
    [18.5, 0.3],
    [20, 0.1],
    [21, 0],
    [24, 0],
  ],
};

/** Shift activity 0..1 at a local hour of a weekday. */
export function shiftActivity(shift: ShiftPattern, hour: number): number {
  const points = PROFILES[shift];
  for (let i = 1; i < points.length; i++) {
    const [h1, v1] = points[i] as readonly [number, number];
    if (hour <= h1) {
      const [h0, v0] = points[i - 1] as readonly [number, number];
      return h1 === h0 ? v1 : v0 + ((v1 - v0) * (hour - h0)) / (h1 - h0);
    }
  }
  return (points[points.length - 1] as readonly [number, number])[1];
}

/** An enterprise's activity at a local time, with its weekend factor applied on Sat/Sun. */
export function enterpriseActivity(enterprise: Pick<Enterprise, 'shift' | 'weekendFactor'>, time: LocalTime): number {
  const level = shiftActivity(enterprise.shift, time.hour);
  return time.weekend ? level * enterprise.weekendFactor : level;
}
