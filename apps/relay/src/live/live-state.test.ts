import { describe, expect, it } from 'vitest';
import { LiveState } from './live-state.js';

describe('LiveState', () => {
  it('keeps the newest value per point and reports it once in the delta', () => {
    const s = new LiveState(3);
    s.apply([
      { pointId: 1, ts: 10, value: 1, quality: 'good' },
      { pointId: 1, ts: 20, value: 2, quality: 'bad' },
      { pointId: 2, ts: 10, value: 5, quality: 'good' },
    ]);
    expect(s.takeDelta()).toEqual([
      [1, 20, 2, 2],
      [2, 10, 5, 0],
    ]);
    expect(s.takeDelta()).toEqual([]);
  });

  it('ignores older readings (late or redelivered batches)', () => {
    const s = new LiveState(2);
    s.apply([{ pointId: 1, ts: 20, value: 2, quality: 'good' }]);
    s.takeDelta();
    expect(s.apply([{ pointId: 1, ts: 10, value: 9, quality: 'good' }])).toBe(0);
    expect(s.get(1)).toEqual([1, 20, 2, 0]);
    expect(s.pendingChanges).toBe(0);
  });

  it('counts readings of points outside the model instead of writing out of bounds', () => {
    const s = new LiveState(2);
    expect(s.apply([{ pointId: 3, ts: 1, value: 1, quality: 'good' }])).toBe(0);
    expect(s.unknownPoints).toBe(1);
    expect(s.snapshot()).toEqual([]);
  });

  it('seeds from stored state without producing a delta', () => {
    const s = new LiveState(2);
    s.seed([{ pointId: 2, ts: 5, value: 7, quality: 1 }]);
    expect(s.takeDelta()).toEqual([]);
    expect(s.snapshot()).toEqual([[2, 5, 7, 1]]);
  });
});
