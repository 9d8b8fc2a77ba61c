import { describe, expect, it } from 'vitest';
import { histogramQuantile, mergeHistograms, parsePromCounter, parsePromHistogram } from './bench-prom-histogram.js';

const TEXT = `# HELP zcp_relay_ingest_latency_seconds publish to commit
# TYPE zcp_relay_ingest_latency_seconds histogram
zcp_relay_ingest_latency_seconds_bucket{le="0.1",park="a"} 10
zcp_relay_ingest_latency_seconds_bucket{le="0.5",park="a"} 60
zcp_relay_ingest_latency_seconds_bucket{le="1",park="a"} 90
zcp_relay_ingest_latency_seconds_bucket{le="+Inf",park="a"} 100
zcp_relay_ingest_latency_seconds_sum{park="a"} 42.5
zcp_relay_ingest_latency_seconds_count{park="a"} 100
zcp_relay_ingest_latency_seconds_bucket{park="b",le="0.1"} 0
zcp_relay_ingest_latency_seconds_bucket{park="b",le="0.5"} 0
zcp_relay_ingest_latency_seconds_bucket{park="b",le="1"} 0
zcp_relay_ingest_latency_seconds_bucket{park="b",le="+Inf"} 0
zcp_relay_ingest_latency_seconds_sum{park="b"} 0
zcp_relay_ingest_latency_seconds_count{park="b"} 0
# TYPE zcp_relay_readings_stored_total counter
zcp_relay_readings_stored_total 1.2e+6
zcp_relay_readings_rejected_total{reason="invalid"} 3 1700000000000
zcp_relay_readings_rejected_total{reason="unknown_point"} 4
`;

describe('parsePromHistogram', () => {
  it('sums buckets over label sets, whatever the label order, and sorts by bound', () => {
    const h = parsePromHistogram(TEXT, 'zcp_relay_ingest_latency_seconds');
    expect(h).toEqual({
      name: 'zcp_relay_ingest_latency_seconds',
      buckets: [
        { le: 0.1, count: 10 },
        { le: 0.5, count: 60 },
        { le: 1, count: 90 },
        { le: Number.POSITIVE_INFINITY, count: 100 },
      ],
      count: 100,
      sum: 42.5,
    });
  });

  it('answers undefined for a histogram the text does not have', () => {
    expect(parsePromHistogram(TEXT, 'zcp_relay_commit_seconds')).toBeUndefined();
  });
});

describe('parsePromCounter', () => {
  it('reads exponent notation and sums label sets (ignoring a trailing timestamp)', () => {
    expect(parsePromCounter(TEXT, 'zcp_relay_readings_stored_total')).toBe(1_200_000);
    expect(parsePromCounter(TEXT, 'zcp_relay_readings_rejected_total')).toBe(7);
    expect(parsePromCounter(TEXT, 'zcp_relay_nope_total')).toBeUndefined();
  });
});

describe('histogramQuantile', () => {
  const h = parsePromHistogram(TEXT, 'zcp_relay_ingest_latency_seconds');
  if (!h) throw new Error('fixture did not parse');

  it('interpolates linearly inside the bucket holding the rank', () => {
    // rank 50 lies in (0.1, 0.5] which holds observations 11..60: 0.1 + 0.4 × 40/50.
    expect(histogramQuantile(0.5, h)?.value).toBeCloseTo(0.42, 10);
    // rank 5 in the first bucket, whose lower bound is 0.
    expect(histogramQuantile(0.05, h)?.value).toBeCloseTo(0.05, 10);
    // rank 90 is exactly the top of (0.5, 1].
    expect(histogramQuantile(0.9, h)).toEqual({ value: 1, beyondLastBucket: false });
  });

  it('reports the last finite bound, flagged, when the quantile is in the +Inf bucket', () => {
    expect(histogramQuantile(0.99, h)).toEqual({ value: 1, beyondLastBucket: true });
  });

  it('answers undefined for an empty histogram and refuses a quantile outside [0, 1]', () => {
    expect(histogramQuantile(0.5, { name: 'x', buckets: [{ le: Number.POSITIVE_INFINITY, count: 0 }], count: 0, sum: 0 })).toBeUndefined();
    expect(() => histogramQuantile(1.5, h)).toThrow(RangeError);
  });

  it('skips empty leading buckets', () => {
    const sparse = {
      name: 'x',
      buckets: [
        { le: 0.01, count: 0 },
        { le: 0.1, count: 0 },
        { le: 1, count: 4 },
        { le: Number.POSITIVE_INFINITY, count: 4 },
      ],
      count: 4,
      sum: 2,
    };
    expect(histogramQuantile(0, sparse)?.value).toBeCloseTo(0.1, 10);
    expect(histogramQuantile(0.5, sparse)?.value).toBeCloseTo(0.55, 10);
    expect(histogramQuantile(1, sparse)).toEqual({ value: 1, beyondLastBucket: false });
  });
});

describe('mergeHistograms', () => {
  it('adds the buckets of several relays', () => {
    const h = parsePromHistogram(TEXT, 'zcp_relay_ingest_latency_seconds');
    if (!h) throw new Error('fixture did not parse');
    const merged = mergeHistograms([h, h]);
    expect(merged?.count).toBe(200);
    expect(merged?.buckets.map((b) => b.count)).toEqual([20, 120, 180, 200]);
    expect(h.buckets[0]?.count).toBe(10);
  });

  it('refuses histograms with different bounds', () => {
    const a = { name: 'x', buckets: [{ le: Number.POSITIVE_INFINITY, count: 1 }], count: 1, sum: 1 };
    const b = {
      name: 'x',
      buckets: [
        { le: 1, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 1 },
      ],
      count: 1,
      sum: 1,
    };
    expect(() => mergeHistograms([a, b])).toThrow(RangeError);
  });
});
