import type { PointValueTuple } from '@zcp/model';

/** One point's latest value as the browser keeps it: [ts epoch ms, value, quality code]. */
export type LiveValue = readonly [ts: number, value: number, quality: number];

/**
 * Merges snapshot or delta tuples into `values` in place and returns the ids that changed.
 * A tuple older than what we hold is ignored, so a late snapshot (after a reconnect, or the
 * HTTP state racing the socket) never rolls a point back. Malformed tuples are skipped.
 *
 * @example
 * const changed = applyTuples(values, delta.values); if (changed.length) bumpVersion();
 */
export function applyTuples(values: Map<number, LiveValue>, tuples: readonly PointValueTuple[]): number[] {
  const changed: number[] = [];
  for (const tuple of tuples) {
    if (!Array.isArray(tuple) || tuple.length < 4) continue;
    const [pointId, ts, value, quality] = tuple;
    if (!Number.isInteger(pointId) || !Number.isFinite(ts) || !Number.isFinite(value) || !Number.isInteger(quality)) continue;
    const held = values.get(pointId);
    if (held !== undefined) {
      if (held[0] > ts) continue;
      if (held[0] === ts && held[1] === value && held[2] === quality) continue;
    }
    values.set(pointId, [ts, value, quality]);
    changed.push(pointId);
  }
  return changed;
}
