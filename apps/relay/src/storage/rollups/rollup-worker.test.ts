import { describe, expect, it } from 'vitest';
import { runsOf } from './rollup-worker.js';

describe('runsOf', () => {
  it('joins consecutive minutes into [start, end) runs, in order, ignoring repeats', () => {
    const m = (i: number) => i * 60_000;
    expect(runsOf([m(5), m(1), m(2), m(3), m(9), m(2), m(10)])).toEqual([
      [m(1), m(5), m(9)],
      [m(4), m(6), m(11)],
    ]);
    expect(runsOf([])).toEqual([[], []]);
  });
});
