import { describe, expect, it } from 'vitest';
import { planSources } from './resolution.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 1);

describe('planSources', () => {
  it('reads whole days from 1d, the ragged edges from 1h, 1m and raw, the unrolled tail from raw', () => {
    const spans = planSources(T + 10 * HOUR + 30 * MIN + 5_000, T + 3 * DAY, T + 2 * DAY + 12 * HOUR, '1d');
    expect(spans).toEqual([
      { level: 'raw', fromMs: T + 10 * HOUR + 30 * MIN + 5_000, toMs: T + 10 * HOUR + 31 * MIN },
      { level: '1m', fromMs: T + 10 * HOUR + 31 * MIN, toMs: T + 11 * HOUR },
      { level: '1h', fromMs: T + 11 * HOUR, toMs: T + DAY },
      { level: '1d', fromMs: T + DAY, toMs: T + 2 * DAY },
      { level: '1h', fromMs: T + 2 * DAY, toMs: T + 2 * DAY + 12 * HOUR },
      { level: 'raw', fromMs: T + 2 * DAY + 12 * HOUR, toMs: T + 3 * DAY },
    ]);
  });

  it('covers the range exactly, in order, for any horizon and resolution', () => {
    for (const resolution of ['raw', '1m', '1h', '1d'] as const) {
      for (const [from, to, horizon] of [
        [T, T + DAY, T + 2 * DAY],
        [T + 1, T + 7 * DAY - 1, T + 3 * DAY + 7 * MIN],
        [T + 5 * MIN, T + 6 * MIN, 0],
        [T + 5 * MIN, T + 2 * HOUR, T + HOUR],
      ]) {
        const spans = planSources(from as number, to as number, horizon as number, resolution);
        expect(spans[0]?.fromMs).toBe(from);
        expect(spans.at(-1)?.toMs).toBe(to);
        for (let i = 1; i < spans.length; i++) expect(spans[i]?.fromMs).toBe(spans[i - 1]?.toMs);
        for (const s of spans) if (s.level !== 'raw') expect(s.toMs, resolution).toBeLessThanOrEqual(horizon as number);
        if (resolution === 'raw') expect(spans.map((s) => s.level)).toEqual(['raw']);
      }
    }
  });

  it('never reads a level coarser than asked', () => {
    const spans = planSources(T, T + 10 * DAY, T + 10 * DAY, '1h');
    expect(spans).toEqual([{ level: '1h', fromMs: T, toMs: T + 10 * DAY }]);
  });
});
