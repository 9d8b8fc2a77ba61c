import { describe, expect, it } from 'vitest';
import { bandSeries } from './history-series.js';

describe('bandSeries', () => {
  it('stacks max − min on top of min', () => {
    const s = bandSeries([{ t: 1, avg: 5, min: 2, max: 9, last: 4, n: 3 }]);
    expect(s).toEqual({ min: [[1, 2]], spread: [[1, 7]], avg: [[1, 5]] });
  });
});
