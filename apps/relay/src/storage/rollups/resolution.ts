import { type HistoryResolution, ROLLUP_RESOLUTION_MS, type RollupResolution } from '@zcp/model';

/** Which stored level a span of a query reads. */
export interface SourceSpan {
  level: HistoryResolution;
  fromMs: number;
  toMs: number;
}

const FINER: Readonly<Record<HistoryResolution, readonly RollupResolution[]>> = {
  raw: [],
  '1m': ['1m'],
  '1h': ['1h', '1m'],
  '1d': ['1d', '1h', '1m'],
};

const floorTo = (ms: number, step: number): number => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number): number => Math.ceil(ms / step) * step;

/**
 * Splits [fromMs, toMs) into spans that each read one level: the coarsest rollup level for
 * the whole buckets it covers, finer levels for the ragged edges, raw for what is left and
 * for everything at or after `horizonMs` (not rolled up yet). Spans are ordered, disjoint
 * and cover the range exactly, so every reading is counted once.
 *
 * @example
 * // from Jan 1 10:30 to Jan 4 00:00, rolled up to Jan 3 12:00, daily resolution:
 * planSources(Date.UTC(2026, 0, 1, 10, 30), Date.UTC(2026, 0, 4), Date.UTC(2026, 0, 3, 12), '1d')
 * // 1m Jan 1 10:30–11:00, 1h 11:00–24:00, 1d Jan 2, 1h Jan 3 00:00–12:00, raw Jan 3 12:00–Jan 4
 */
export function planSources(fromMs: number, toMs: number, horizonMs: number, resolution: HistoryResolution): SourceSpan[] {
  const spans: SourceSpan[] = [];
  const rolledEnd = Math.min(Math.max(horizonMs, fromMs), toMs);
  const cover = (lo: number, hi: number, levels: readonly RollupResolution[]): void => {
    if (lo >= hi) return;
    const [level, ...finer] = levels;
    if (!level) {
      spans.push({ level: 'raw', fromMs: lo, toMs: hi });
      return;
    }
    const step = ROLLUP_RESOLUTION_MS[level];
    const a = ceilTo(lo, step);
    const b = floorTo(hi, step);
    if (a >= b) {
      cover(lo, hi, finer);
      return;
    }
    cover(lo, a, finer);
    spans.push({ level, fromMs: a, toMs: b });
    cover(b, hi, finer);
  };
  cover(fromMs, rolledEnd, FINER[resolution]);
  if (rolledEnd < toMs) spans.push({ level: 'raw', fromMs: rolledEnd, toMs });
  // Adjacent raw spans (an unaligned edge next to the unrolled tail) read as one range.
  const merged: SourceSpan[] = [];
  for (const s of spans) {
    const prev = merged.at(-1);
    if (prev && prev.level === s.level && prev.toMs === s.fromMs) prev.toMs = s.toMs;
    else merged.push({ ...s });
  }
  return merged;
}
