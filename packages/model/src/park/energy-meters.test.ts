import { describe, expect, it } from 'vitest';
import { demoPark } from './demo-park.js';
import { energyMeters } from './energy-meters.js';
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
});
