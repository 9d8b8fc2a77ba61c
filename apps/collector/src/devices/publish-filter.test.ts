import type { Reading } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { createPublishFilter, DEFAULT_MAX_PUBLISH_INTERVAL_MS } from './publish-filter.js';

const r = (pointId: number, ts: number, value: number, quality: Reading['quality'] = 'good'): Reading => ({ pointId, ts, value, quality });

describe('publish filter (deadband + heartbeat)', () => {
  it('holds back changes smaller than the deadband until the heartbeat interval has passed', () => {
    const filter = createPublishFilter(new Map([[1, { deadband: 0.5, maxPublishIntervalMs: 10_000 }]]));
    expect(filter.accept(r(1, 0, 10))).toBe(true);
    expect(filter.accept(r(1, 1000, 10.4))).toBe(false);
    expect(filter.accept(r(1, 2000, 9.6))).toBe(false);
    expect(filter.accept(r(1, 3000, 10.5))).toBe(true); // |Δ| = 0.5 ≥ deadband
    expect(filter.accept(r(1, 12_999, 10.6))).toBe(false);
    expect(filter.accept(r(1, 13_000, 10.6))).toBe(true); // heartbeat
    expect(filter.suppressed()).toBe(3);
  });

  it('always passes bad quality and quality changes, and points without a rule', () => {
    const filter = createPublishFilter(new Map([[1, { deadband: 100 }]]));
    expect(filter.accept(r(1, 0, 1))).toBe(true);
    expect(filter.accept(r(1, 1, 1, 'bad'))).toBe(true);
    expect(filter.accept(r(1, 2, 1, 'bad'))).toBe(true);
    expect(filter.accept(r(1, 3, 1))).toBe(true); // back to good
    expect(filter.accept(r(1, 4, 1))).toBe(false);
    expect(filter.accept(r(1, 4 + DEFAULT_MAX_PUBLISH_INTERVAL_MS, 1))).toBe(true);
    for (let i = 0; i < 3; i++) expect(filter.accept(r(2, i, 5))).toBe(true);
  });
});
