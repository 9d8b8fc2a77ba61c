import { describe, expect, it } from 'vitest';
import { estimateLatencies, timeAtLevel, timeOfFinalTotal, valueAt, weightedQuantile, windowRates } from './bench-curves.js';

// 1,000 readings/s acked for 10 s; stored 500 ms behind, sampled every 250 ms.
const acked = Array.from({ length: 41 }, (_, i) => ({ atMs: i * 250, total: i * 250 }));
const stored = [
  ...Array.from({ length: 43 }, (_, i) => ({ atMs: i * 250, total: Math.max(0, i * 250 - 500) })),
  { atMs: 11_000, total: 10_000 },
  { atMs: 11_250, total: 10_000 },
];

describe('valueAt / timeAtLevel', () => {
  it('interpolates between samples and clamps at the ends', () => {
    expect(valueAt(acked, 125)).toBe(125);
    expect(valueAt(acked, -5)).toBe(0);
    expect(valueAt(acked, 99_999)).toBe(10_000);
    expect(timeAtLevel(acked, 1234)).toBe(1234);
    expect(timeAtLevel(acked, 10_001)).toBeUndefined();
  });

  it('finds when the final total was first reached', () => {
    expect(timeOfFinalTotal(stored)).toBe(10_500);
  });
});

describe('windowRates', () => {
  it('gives the min and max rate over sliding windows inside the span', () => {
    expect(windowRates(acked, 5000, 0, 10_000)).toEqual({ min: 1000, max: 1000 });
    expect(windowRates(acked, 60_000, 0, 10_000)).toBeUndefined();
  });
});

describe('estimateLatencies', () => {
  it('recovers a constant delay to within half a sample interval', () => {
    const samples = estimateLatencies(acked, stored);
    expect(samples.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(10_000, 6);
    const p50 = weightedQuantile(samples, 0.5) ?? Number.NaN;
    const p99 = weightedQuantile(samples, 0.99) ?? Number.NaN;
    expect(Math.abs(p50 - 500)).toBeLessThanOrEqual(125);
    expect(Math.abs(p99 - 500)).toBeLessThanOrEqual(125);
  });
});

describe('weightedQuantile', () => {
  it('weights the samples', () => {
    const s = [
      { value: 1, weight: 98 },
      { value: 10, weight: 1 },
      { value: 100, weight: 1 },
    ];
    expect(weightedQuantile(s, 0.5)).toBe(1);
    expect(weightedQuantile(s, 0.99)).toBe(10);
    expect(weightedQuantile(s, 1)).toBe(100);
    expect(weightedQuantile([], 0.5)).toBeUndefined();
  });
});
