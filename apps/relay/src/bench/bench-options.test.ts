import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchOptions } from './bench-options.js';

describe('parseBenchOptions', () => {
  it('has the documented defaults', () => {
    expect(parseBenchOptions([])).toEqual({
      readings: 12_000_000,
      points: 20_000,
      rate: 200_000,
      perMessage: 200,
      relays: 1,
      inFlight: 256,
      stallS: 30,
      keep: false,
      help: false,
    });
  });

  it('reads counts written with separators or an exponent', () => {
    const o = parseBenchOptions(['--readings', '12_000_000', '--points=2,000', '--rate', '0', '--per-message', '5e2', '--relays', '2', '--keep']);
    expect(o).toMatchObject({ readings: 12_000_000, points: 2000, rate: 0, perMessage: 500, relays: 2, keep: true });
  });

  it('refuses unknown flags, non-integers and out-of-range values, naming the flag', () => {
    expect(() => parseBenchOptions(['--nope'])).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--readings', 'many'])).toThrow(/--readings/);
    expect(() => parseBenchOptions(['--per-message', '1.5'])).toThrow(/--per-message/);
    expect(() => parseBenchOptions(['--relays', '0'])).toThrow(/--relays/);
  });
});
