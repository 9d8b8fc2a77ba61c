import { demoPark, indexPark, type Park } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { computeKpis, planKpis } from './kpis.js';
import type { LiveValue } from './live-values.js';

const index = indexPark(demoPark());
const pointOf = (assetId: string, metric: string) => {
  const p = index.pointsOfAsset.get(assetId)?.find((x) => x.metric === metric);
  if (!p) throw new Error(`no ${assetId}.${metric}`);
  return p.id;
};

describe('planKpis', () => {
  it('takes grid, PV, battery and load points by asset kind', () => {
    const plan = planKpis(index);
    expect(plan.grid).toEqual([pointOf('grid', 'p_kw')]);
    expect(plan.battery).toEqual([pointOf('bess1', 'p_kw')]);
    expect(plan.soc).toEqual([{ pointId: pointOf('bess1', 'soc_pct'), weightKwh: 4000 }]);
    expect(plan.pv.length).toBe(index.park.assets.filter((a) => a.kind === 'pv_inverter').length);
    // Meters are not loads (they would double count); the boiler burns gas, not electricity.
    expect(plan.load).not.toContain(pointOf('huaxin-meter', 'p_kw'));
    expect(plan.load).toContain(pointOf('ev01', 'p_kw'));
    expect(plan.load).toContain(pointOf('huaxin-b1-line1', 'p_kw'));
  });
});

describe('computeKpis', () => {
  it('is null before any value arrives', () => {
    expect(computeKpis(planKpis(index), new Map())).toEqual({ gridKw: null, pvKw: null, batteryKw: null, loadKw: null, socPct: null });
  });

  it('sums by kind, skips bad quality and weights SOC by capacity', () => {
    const park: Park = structuredClone(index.park);
    park.assets.push({ ...(park.assets.find((a) => a.id === 'bess1') as Park['assets'][number]), id: 'bess2', rating: { ratedKw: 500, capacityKwh: 1000 } });
    park.points.push({ id: 99_001, tag: 'bess2.soc_pct', assetId: 'bess2', metric: 'soc_pct', unit: '%', kind: 'gauge' });
    const idx = indexPark(park);
    const plan = planKpis(idx);
    const values = new Map<number, LiveValue>([
      [pointOf('grid', 'p_kw'), [1, 1200, 0]],
      [pointOf('bess1', 'p_kw'), [1, -300, 0]],
      [pointOf('bess1', 'soc_pct'), [1, 50, 0]],
      [99_001, [1, 100, 0]],
      [pointOf('ev01', 'p_kw'), [1, 40, 0]],
      [pointOf('ev02', 'p_kw'), [1, 60, 1]],
      [pointOf('ev03', 'p_kw'), [1, 1_000_000, 2]],
      [pointOf('huaxin-b1-pv1', 'p_kw'), [1, 150, 0]],
    ]);
    const k = computeKpis(plan, values);
    expect(k.gridKw).toBe(1200);
    expect(k.batteryKw).toBe(-300);
    expect(k.loadKw).toBe(100);
    expect(k.pvKw).toBe(150);
    expect(k.socPct).toBe(60);
  });
});
