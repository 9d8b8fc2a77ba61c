import type { Reading } from '@zcp/model';

/** When a point's deadband is set and no heartbeat is given: republish at least this often. */
export const DEFAULT_MAX_PUBLISH_INTERVAL_MS = 60_000;

export interface PublishRule {
  /** Changes smaller than this are held back (engineering units). 0 = publish every value. */
  deadband: number;
  /** Publish an unchanged value again after this long (ms). */
  maxPublishIntervalMs?: number;
}

/**
 * Report-by-exception for polled points: a reading passes when it moved by at least the
 * point's deadband since the last one that passed, when its quality changed, when it is not
 * `good` (a silent device is always news), or when the point's heartbeat interval has run
 * out. Points without a rule (or with deadband 0) always pass — the collector's default.
 *
 * @example
 * const filter = createPublishFilter(new Map([[7, { deadband: 0.5, maxPublishIntervalMs: 10_000 }]]))
 * filter.accept({ pointId: 7, ts, value: 10.2, quality: 'good' }) // true the first time
 */
export function createPublishFilter(rules: ReadonlyMap<number, PublishRule>) {
  const last = new Map<number, Reading>();
  let suppressed = 0;
  return {
    accept(r: Reading): boolean {
      const rule = rules.get(r.pointId);
      if (!rule || rule.deadband <= 0) return true;
      const prev = last.get(r.pointId);
      const heartbeatMs = rule.maxPublishIntervalMs ?? DEFAULT_MAX_PUBLISH_INTERVAL_MS;
      const pass =
        prev === undefined ||
        r.quality !== 'good' ||
        prev.quality !== r.quality ||
        Math.abs(r.value - prev.value) >= rule.deadband ||
        r.ts - prev.ts >= heartbeatMs;
      if (pass) last.set(r.pointId, r);
      else suppressed++;
      return pass;
    },
    /** Readings held back so far. */
    suppressed: () => suppressed,
  };
}
export type PublishFilter = ReturnType<typeof createPublishFilter>;
