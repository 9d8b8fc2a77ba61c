import { generatePark } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { expectedChecksums, planIngest, planMessages, pointsByAsset, ROUND_MS, valueQuarters } from './bench-plan.js';

const NOW_MS = Date.UTC(2026, 10, 25, 12, 34, 56, 789);
const assets = [
  { assetId: 'a1', pointIds: [1, 2, 3] },
  { assetId: 'a2', pointIds: [4, 5, 6, 7] },
];

describe('planIngest', () => {
  it('rounds the readings up to whole rounds and sizes messages by the mean points per asset', () => {
    const plan = planIngest({ assets, readings: 100, perMessage: 10, nowMs: NOW_MS });
    expect(plan.points).toBe(7);
    expect(plan.rounds).toBe(15); // ceil(100 / 7)
    expect(plan.readings).toBe(105);
    expect(plan.roundsPerMessage).toBe(3); // round(10 / 3.5)
    expect(plan.messages).toBe(10); // 5 blocks × 2 assets
  });

  it('starts on a whole minute at least an hour ago, and ends before now', () => {
    const plan = planIngest({ assets, readings: 7 * 100_000, perMessage: 10, nowMs: NOW_MS });
    expect(plan.baseTsMs % 60_000).toBe(0);
    expect(plan.baseTsMs).toBeLessThanOrEqual(NOW_MS - 3600_000);
    expect(plan.baseTsMs + (plan.rounds - 1) * ROUND_MS).toBeLessThan(NOW_MS);
  });
});

describe('planMessages', () => {
  it('sends every (point, round) exactly once, one asset per message, with the planned count', () => {
    const plan = planIngest({ assets, readings: 100, perMessage: 10, nowMs: NOW_MS });
    const seen = new Set<string>();
    let messages = 0;
    for (const m of planMessages(plan)) {
      expect(m.seq).toBe(messages++);
      const own = assets.find((a) => a.assetId === m.assetId)?.pointIds ?? [];
      for (const r of m.readings) {
        expect(own).toContain(r.pointId);
        const round = (r.ts - plan.baseTsMs) / ROUND_MS;
        expect(r.value).toBe(valueQuarters(r.pointId, round) / 4);
        seen.add(`${r.pointId}@${round}`);
      }
    }
    expect(messages).toBe(plan.messages);
    expect(seen.size).toBe(plan.readings);
  });
});

describe('expectedChecksums', () => {
  it('matches the sums over the planned messages', () => {
    const plan = planIngest({ assets, readings: 1000, perMessage: 20, nowMs: NOW_MS });
    let quarters = 0n;
    let pointRound = 0n;
    let count = 0n;
    for (const m of planMessages(plan)) {
      for (const r of m.readings) {
        count++;
        quarters += BigInt(r.value * 4);
        pointRound += BigInt(r.pointId) * BigInt((r.ts - plan.baseTsMs) / ROUND_MS);
      }
    }
    expect(expectedChecksums(plan)).toEqual({ count, valueQuarters: quarters, pointRound });
  });
});

describe('pointsByAsset', () => {
  it('groups a generated park by asset and keeps every point', () => {
    const park = generatePark({ assets: 20, id: 'benchplan' });
    const grouped = pointsByAsset(park);
    expect(grouped.reduce((n, a) => n + a.pointIds.length, 0)).toBe(park.points.length);
    for (const g of grouped) for (const id of g.pointIds) expect(park.points.find((p) => p.id === id)?.assetId).toBe(g.assetId);
  });
});
