import { demoPark, indexPark } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { paletteOf, powerMetricOf, powerRefs } from './asset-power.js';

describe('powerRefs', () => {
  const index = indexPark(demoPark());
  const refs = powerRefs(index);

  it('covers every asset with its power point', () => {
    expect(refs.size).toBe(index.park.assets.length);
    expect(refs.get('boiler1')?.pointId).toBe(index.pointByTag.get('boiler1.heat_kw')?.id);
    expect(refs.get('grid')?.referenceKw).toBe(40_000);
  });

  it('scales a building meter by its building loads', () => {
    const loads = index.park.assets.filter((a) => a.buildingId === 'huaxin-b1' && ['chiller', 'production_line', 'building_load'].includes(a.kind));
    const kw = loads.reduce((s, a) => s + (a.rating.ratedKw ?? 0), 0);
    expect(refs.get('huaxin-b1-meter')?.referenceKw).toBe(kw);
  });

  it('names the palette and metric by kind', () => {
    expect(paletteOf('pv_inverter')).toBe('generation');
    expect(paletteOf('battery')).toBe('battery');
    expect(paletteOf('chiller')).toBe('load');
    expect(paletteOf('green_line_meter')).toBe('generation');
    expect(powerMetricOf('gas_boiler')).toBe('heat_kw');
    expect(powerMetricOf('heat_meter')).toBe('heat_kw');
    expect(powerMetricOf('green_line_meter')).toBe('p_kw');
  });
});
