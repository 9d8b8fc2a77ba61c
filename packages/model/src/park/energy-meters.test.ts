import { describe, expect, it } from 'vitest';
import { demoPark } from './demo-park.js';
import { carrierMeters, energyMeters } from './energy-meters.js';
import type { Park } from './schema.js';

describe('energyMeters', () => {
  const park = demoPark();

  it('takes the grid connection for the park and each enterprise main meter, import and export', () => {
    const meters = energyMeters(park);
    const byId = new Map(park.points.map((p) => [p.id, p]));
    expect(meters.filter((m) => m.scope === 'park').map((m) => byId.get(m.pointId)?.tag)).toEqual(['grid.e_import_kwh', 'grid.e_export_kwh']);
    for (const e of park.enterprises) {
      const mine = meters.filter((m) => m.enterpriseId === e.id);
      expect(mine.map((m) => [byId.get(m.pointId)?.tag, m.direction])).toEqual([
        [`${e.id}-meter.e_import_kwh`, 'import'],
        [`${e.id}-meter.e_export_kwh`, 'export'],
      ]);
    }
  });

  it('falls back to building meters, then to load counters, when an enterprise has no main meter (nothing counted twice)', () => {
    const e = park.enterprises[0]?.id as string;
    const noMain: Park = { ...park, assets: park.assets.filter((a) => a.id !== `${e}-meter`) };
    const tags = (p: Park) =>
      energyMeters(p)
        .filter((m) => m.enterpriseId === e)
        .map((m) => p.points.find((x) => x.id === m.pointId)?.tag ?? '');
    expect(tags(noMain).every((t) => /-b\d+-meter\.e_(import|export)_kwh$/.test(t))).toBe(true);
    const noMeters: Park = { ...park, assets: park.assets.filter((a) => !(a.kind === 'sub_meter' && a.enterpriseId === e)) };
    const loads = tags(noMeters);
    expect(loads.length).toBeGreaterThan(0);
    expect(loads.every((t) => t.endsWith('.e_kwh') && !t.includes('-pv'))).toBe(true);
  });

  it('never counts the direct green line as grid import: it is neither a grid meter nor an enterprise meter', () => {
    const green = park.points.filter((p) => park.assets.find((a) => a.id === p.assetId)?.kind === 'green_line_meter').map((p) => p.id);
    expect(green.length).toBe(2);
    const ids = new Set(energyMeters(park).map((m) => m.pointId));
    for (const id of green) expect(ids.has(id)).toBe(false);
  });
});

describe('carrierMeters', () => {
  const park = demoPark();
  const tag = (id: number) => park.points.find((p) => p.id === id)?.tag;

  it('lists bought heat (GJ, origin from the asset), direct green lines (kWh, facility) and gas boilers (m³), by enterprise', () => {
    const meters = carrierMeters(park);
    expect(meters.map((m) => [tag(m.pointId), m.carrier, m.enterpriseId, m.origin, m.facilityId])).toEqual([
      ['boiler1.gas_m3', 'gas', null, undefined, undefined],
      ['tiancheng-heat.e_heat_gj', 'heat', 'tiancheng', 'fossil', undefined],
      ['kangning-heat.e_heat_gj', 'heat', 'kangning', 'fossil', undefined],
      ['huaxin-green.e_import_kwh', 'direct_green', 'huaxin', undefined, 'WIND-DAFENG-01'],
    ]);
  });

  it('takes a heat meter without an origin as fossil and a non-fossil one as stated', () => {
    const heat = park.assets.find((a) => a.kind === 'heat_meter');
    if (!heat) throw new Error('heat meter');
    const { heatOrigin: _, ...bare } = heat;
    const edited: Park = {
      ...park,
      assets: park.assets.map((a) => (a.id === heat.id ? bare : a.kind === 'heat_meter' ? { ...a, heatOrigin: 'non_fossil' as const } : a)),
    };
    expect(
      carrierMeters(edited)
        .filter((m) => m.carrier === 'heat')
        .map((m) => [m.enterpriseId, m.origin]),
    ).toEqual([
      ['tiancheng', 'fossil'],
      ['kangning', 'non_fossil'],
    ]);
  });
});
