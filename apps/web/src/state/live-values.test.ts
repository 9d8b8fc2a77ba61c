import type { PointValueTuple } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { applyTuples, type LiveValue } from './live-values.js';

describe('applyTuples', () => {
  it('adds new points and reports them as changed', () => {
    const values = new Map<number, LiveValue>();
    const changed = applyTuples(values, [
      [1, 1000, 5, 0],
      [2, 1000, 7, 1],
    ]);
    expect(changed).toEqual([1, 2]);
    expect(values.get(2)).toEqual([1000, 7, 1]);
  });

  it('ignores tuples older than the held value (a late snapshot never rolls back)', () => {
    const values = new Map<number, LiveValue>([[1, [2000, 9, 0]]]);
    expect(applyTuples(values, [[1, 1500, 3, 0]])).toEqual([]);
    expect(values.get(1)).toEqual([2000, 9, 0]);
  });

  it('applies newer values and same-ts corrections, skips exact repeats', () => {
    const values = new Map<number, LiveValue>([[1, [2000, 9, 0]]]);
    expect(applyTuples(values, [[1, 2000, 9, 0]])).toEqual([]);
    expect(applyTuples(values, [[1, 2000, 9, 3]])).toEqual([1]);
    expect(applyTuples(values, [[1, 2500, 10, 0]])).toEqual([1]);
    expect(values.get(1)).toEqual([2500, 10, 0]);
  });

  it('skips malformed tuples', () => {
    const values = new Map<number, LiveValue>();
    const bad = [[1, 1000, Number.NaN, 0], [2.5, 1000, 1, 0], [3, 1000], 'x'] as unknown as PointValueTuple[];
    expect(applyTuples(values, bad)).toEqual([]);
    expect(values.size).toBe(0);
  });
});
