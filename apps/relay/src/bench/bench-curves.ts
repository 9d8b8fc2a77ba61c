/**
 * Cumulative curves sampled during an ingest bench run — readings acked by JetStream (from
 * the load generator) and readings committed (the relays' stored counter) — and what follows
 * from them: sustained rates over sliding windows and an estimate of publish → commit latency
 * that does not depend on the relay's own histogram.
 */

export interface CurvePoint {
  atMs: number;
  /** Cumulative total at that time; non-decreasing along a curve. */
  total: number;
}
export type Curve = readonly CurvePoint[];

/** Linear interpolation of the total at a time (clamped to the ends). */
export function valueAt(curve: Curve, atMs: number): number {
  const first = curve[0];
  const last = curve.at(-1);
  if (!first || !last) return 0;
  if (atMs <= first.atMs) return first.total;
  if (atMs >= last.atMs) return last.total;
  let lo = 0;
  let hi = curve.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((curve[mid] as CurvePoint).atMs <= atMs) lo = mid;
    else hi = mid;
  }
  const a = curve[lo] as CurvePoint;
  const b = curve[hi] as CurvePoint;
  return b.atMs === a.atMs ? b.total : a.total + ((b.total - a.total) * (atMs - a.atMs)) / (b.atMs - a.atMs);
}

/** First time the curve reaches `level`, interpolated; undefined when it never does. */
export function timeAtLevel(curve: Curve, level: number): number | undefined {
  let prev: CurvePoint | undefined;
  for (const p of curve) {
    if (p.total >= level) {
      if (!prev || p.total === prev.total) return p.atMs;
      return prev.atMs + ((p.atMs - prev.atMs) * (level - prev.total)) / (p.total - prev.total);
    }
    prev = p;
  }
  return undefined;
}

/** First sample time at which the curve holds its final total (the last commit, to one sample). */
export function timeOfFinalTotal(curve: Curve): number | undefined {
  const last = curve.at(-1);
  if (!last) return undefined;
  return curve.find((p) => p.total >= last.total)?.atMs;
}

/**
 * Lowest and highest rate (per second) over windows of `windowMs` that lie inside
 * [fromMs, toMs], window starts every `stepMs`. Undefined when the span is shorter.
 */
export function windowRates(curve: Curve, windowMs: number, fromMs: number, toMs: number, stepMs = 250): { min: number; max: number } | undefined {
  if (toMs - fromMs < windowMs) return undefined;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let t = fromMs; t + windowMs <= toMs + 1e-9; t += stepMs) {
    const rate = ((valueAt(curve, t + windowMs) - valueAt(curve, t)) * 1000) / windowMs;
    min = Math.min(min, rate);
    max = Math.max(max, rate);
  }
  return { min, max };
}

export interface WeightedSample {
  value: number;
  weight: number;
}

/**
 * Publish → commit latency of the readings, assuming they are committed in the order they
 * were acked (one durable work queue: nearly so). The readings committed between two samples
 * of the stored curve are taken as committed halfway between them (so ± half a sample
 * interval); each is matched with the time the acked curve reached its rank.
 */
export function estimateLatencies(acked: Curve, stored: Curve, piecesPerStep = 16): WeightedSample[] {
  const out: WeightedSample[] = [];
  for (let i = 1; i < stored.length; i++) {
    const a = stored[i - 1] as CurvePoint;
    const b = stored[i] as CurvePoint;
    const delta = b.total - a.total;
    if (delta <= 0) continue;
    const committedAt = (a.atMs + b.atMs) / 2;
    const pieces = Math.min(piecesPerStep, Math.ceil(delta));
    for (let k = 0; k < pieces; k++) {
      const level = a.total + (delta * (k + 0.5)) / pieces;
      const ackedAt = timeAtLevel(acked, level);
      if (ackedAt === undefined) continue;
      out.push({ value: Math.max(0, committedAt - ackedAt), weight: delta / pieces });
    }
  }
  return out;
}

/** The q-quantile of weighted samples (the smallest value whose cumulative weight reaches q). */
export function weightedQuantile(samples: readonly WeightedSample[], q: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((x, y) => x.value - y.value);
  const total = sorted.reduce((s, x) => s + x.weight, 0);
  let acc = 0;
  for (const s of sorted) {
    acc += s.weight;
    if (acc >= q * total - 1e-9) return s.value;
  }
  return sorted.at(-1)?.value;
}
