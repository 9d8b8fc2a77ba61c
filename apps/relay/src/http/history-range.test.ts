import { MAX_HISTORY_BUCKETS } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { resolveHistoryRange } from './history-range.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('resolveHistoryRange', () => {
  it('defaults to the last hour', () => {
    const r = resolveHistoryRange({}, NOW);
    expect(r).toMatchObject({ fromMs: NOW - 3600_000, toMs: NOW });
  });

  it('never yields more than MAX_HISTORY_BUCKETS buckets, for any range', () => {
    for (const rangeMs of [1000, 60_000, 3600_000, 86400_000, 7 * 86400_000, 30 * 86400_000, 365 * 86400_000, 399 * 86400_000]) {
      for (const offset of [0, 1, 999, 12_345]) {
        const from = new Date(NOW - rangeMs + offset).toISOString();
        const to = new Date(NOW + offset).toISOString();
        const r = resolveHistoryRange({ from, to }, NOW);
        const touched = Math.floor((r.toMs - 1) / r.bucketMs) - Math.floor(r.fromMs / r.bucketMs) + 1;
        expect(touched, `${rangeMs} ms`).toBeLessThanOrEqual(MAX_HISTORY_BUCKETS);
      }
    }
  });

  it('picks round bucket widths', () => {
    expect(resolveHistoryRange({ from: '2026-11-24T12:00:00Z', to: '2026-11-25T12:00:00Z' }, NOW).bucketMs).toBe(120_000);
  });

  it.each([
    ['1 hour', 3600_000, 'raw', 5_000],
    ['6 hours', 6 * 3600_000, 'raw', 30_000],
    ['1 day', 86400_000, '1m', 120_000],
    ['7 days', 7 * 86400_000, '1m', 900_000],
    ['30 days', 30 * 86400_000, '1h', 3600_000],
    ['90 days', 90 * 86400_000, '1h', 3 * 3600_000],
    ['1 year', 365 * 86400_000, '1d', 86400_000],
  ])('a range of %s picks its level and bucket width', (_label, rangeMs, resolution, bucketMs) => {
    const r = resolveHistoryRange({ from: new Date(NOW - rangeMs).toISOString(), to: new Date(NOW).toISOString() }, NOW);
    expect(r).toEqual({ fromMs: NOW - rangeMs, toMs: NOW, bucketMs, resolution });
  });

  it('the bucket width is a whole number of the resolution, also when one is asked for', () => {
    for (const rangeMs of [60_000, 3600_000, 6 * 3600_000 + 1, 86400_000, 8 * 86400_000, 91 * 86400_000, 399 * 86400_000]) {
      for (const resolution of [undefined, '1m', '1h', '1d'] as const) {
        const r = resolveHistoryRange({ from: new Date(NOW - rangeMs).toISOString(), to: new Date(NOW).toISOString(), resolution }, NOW);
        if (r.resolution !== 'raw') expect(r.bucketMs % { '1m': 60_000, '1h': 3600_000, '1d': 86400_000 }[r.resolution], `${rangeMs} ${resolution}`).toBe(0);
      }
    }
    expect(resolveHistoryRange({ from: '2025-11-25T12:00:00Z', to: '2026-11-25T12:00:00Z', resolution: 'raw' }, NOW)).toMatchObject({
      resolution: 'raw',
      bucketMs: 43_200_000,
    });
  });

  it.each([
    [{ resolution: '5m' }, 'invalid_query'],
    [{ from: 'yesterday' }, 'invalid_query'],
    [{ to: '2026-11-25' }, 'invalid_query'],
    [{ from: '2026-11-25T12:00:00Z', to: '2026-11-25T11:00:00Z' }, 'invalid_range'],
    [{ from: '2026-11-25T12:00:00Z', to: '2026-11-25T12:00:00Z' }, 'invalid_range'],
    [{ from: '2020-01-01T00:00:00Z', to: '2026-11-25T12:00:00Z' }, 'range_too_long'],
  ])('rejects %j with %s', (query, code) => {
    try {
      resolveHistoryRange(query, NOW);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe(code);
      expect((e as ApiError).status).toBe(400);
    }
  });
});
