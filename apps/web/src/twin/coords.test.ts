import { demoPark, indexPark } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { parkToWorld, polygonBounds, signedArea } from './coords.js';
import { layoutAssets } from './layout.js';

describe('parkToWorld', () => {
  it('maps east → +x, up → +y, north → +z', () => {
    expect(parkToWorld({ x: 10, y: 20, z: 3 })).toEqual({ x: 10, y: 3, z: 20 });
  });
});

describe('plan helpers', () => {
  it('bounds and winding of a footprint', () => {
    const fp: [number, number][] = [
      [0, 0],
      [10, 0],
      [10, 4],
      [0, 4],
    ];
    expect(polygonBounds(fp)).toEqual({ minX: 0, minY: 0, maxX: 10, maxY: 4 });
    expect(signedArea(fp)).toBe(40);
    expect(signedArea([...fp].reverse())).toBe(-40);
  });
});

describe('layoutAssets', () => {
  const index = indexPark(demoPark());
  const layout = layoutAssets(index);

  it('draws every asset at least once', () => {
    const drawn = new Set([...layout.values()].flat().map((s) => s.assetId));
    expect(drawn.size).toBe(index.park.assets.length);
  });

  it('puts PV rows on their roof, inside the footprint', () => {
    const b = index.buildingById.get('huaxin-b1');
    if (!b) throw new Error('no building');
    const r = polygonBounds(b.footprint);
    const rows = (layout.get('pv_inverter') ?? []).filter((s) => s.assetId.startsWith('huaxin-b1-'));
    expect(rows.length).toBeGreaterThan(3);
    for (const s of rows) {
      expect(s.centre.y).toBeGreaterThan(b.heightM);
      expect(s.centre.x - s.size.x / 2).toBeGreaterThanOrEqual(r.minX);
      expect(s.centre.x + s.size.x / 2).toBeLessThanOrEqual(r.maxX);
      expect(s.centre.z).toBeGreaterThan(r.minY);
      expect(s.centre.z).toBeLessThan(r.maxY);
    }
  });
});
