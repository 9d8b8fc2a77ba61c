import { describe, expect, it } from 'vitest';
import { patternsOverlap } from './subject-overlap.js';

describe('patternsOverlap', () => {
  it.each([
    ['park.a.telemetry.>', 'park.a.telemetry.>', true],
    ['park.a.telemetry.>', 'park.*.telemetry.pv1', true],
    ['park.a.>', 'park.a.telemetry.x.y', true],
    ['park.*.x', 'park.a.*', true],
    ['>', 'anything.at.all', true],
    ['park.a.>', 'park.a', false],
    ['park.a.telemetry.>', 'park.b.telemetry.>', false],
    ['park.*.x', 'park.a.y', false],
    ['park.a', 'park.a.b', false],
    ['park.*', 'park.a.b', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });
});
