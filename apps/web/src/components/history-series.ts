import type { HistoryBucket } from '@zcp/model';

/** Time ranges the history chart offers. */
export const HISTORY_RANGES = { h1: 3_600_000, h24: 86_400_000, d7: 7 * 86_400_000 } as const;
export type HistoryRange = keyof typeof HISTORY_RANGES;

/**
 * ECharts data for a min/max band under an average line: the band is a stacked pair
 * (an invisible `min` series, then `max − min` filled on top of it).
 */
export function bandSeries(buckets: readonly HistoryBucket[]): { min: [number, number][]; spread: [number, number][]; avg: [number, number][] } {
  const min: [number, number][] = [];
  const spread: [number, number][] = [];
  const avg: [number, number][] = [];
  for (const b of buckets) {
    min.push([b.t, b.min]);
    spread.push([b.t, b.max - b.min]);
    avg.push([b.t, b.avg]);
  }
  return { min, spread, avg };
}
