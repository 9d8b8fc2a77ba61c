import { describe, expect, it } from 'vitest';
import { demoPark, generatePark } from './demo-park.js';
import { ASSET_KINDS, ParkSchema } from './schema.js';

describe('demo park', () => {
  const park = demoPark();

  it('is a valid park model with the size the demo promises', () => {
    expect(() => ParkSchema.parse(park)).not.toThrow();
    expect(park.enterprises.length).toBeGreaterThanOrEqual(8);
    expect(park.buildings.length).toBeGreaterThanOrEqual(30);
    expect(park.points.length).toBeGreaterThanOrEqual(1000);
  });

  it('has every asset kind', () => {
    const kinds = new Set(park.assets.map((a) => a.kind));
    for (const k of ASSET_KINDS) expect(kinds.has(k), k).toBe(true);
  });

  it('has unique ids and sequential point ids', () => {
    expect(new Set(park.assets.map((a) => a.id)).size).toBe(park.assets.length);
    expect(new Set(park.buildings.map((b) => b.id)).size).toBe(park.buildings.length);
    expect(park.points.map((p) => p.id)).toEqual(park.points.map((_, i) => i + 1));
  });

  it('references only existing enterprises and buildings', () => {
    const ents = new Set(park.enterprises.map((e) => e.id));
    const blds = new Set(park.buildings.map((b) => b.id));
    for (const a of park.assets) {
      if (a.enterpriseId !== null) expect(ents.has(a.enterpriseId)).toBe(true);
      if (a.buildingId !== null) expect(blds.has(a.buildingId)).toBe(true);
    }
  });

  it('adds bought heat and the direct green line after every other asset, so older point ids do not move', () => {
    const late = park.assets.slice(-3);
    expect(late.map((a) => [a.id, a.kind])).toEqual([
      ['tiancheng-heat', 'heat_meter'],
      ['kangning-heat', 'heat_meter'],
      ['huaxin-green', 'green_line_meter'],
    ]);
    expect(late.map((a) => a.heatOrigin ?? a.facilityId)).toEqual(['fossil', 'fossil', 'WIND-DAFENG-01']);
    const before = park.points.filter((p) => !late.some((a) => a.id === p.assetId));
    expect(Math.max(...before.map((p) => p.id))).toBe(park.points.length - 6);
    expect(park.points.filter((p) => p.unit === 'GJ').map((p) => p.tag)).toEqual(['tiancheng-heat.e_heat_gj', 'kangning-heat.e_heat_gj']);
  });

  it('is deterministic for a seed', () => {
    expect(demoPark()).toEqual(park);
    expect(demoPark({ seed: 1 })).not.toEqual(park);
  });
});

describe('generatePark', () => {
  it('makes exactly the requested number of assets', () => {
    for (const n of [1, 37, 10_000]) expect(generatePark({ assets: n }).assets.length).toBe(n);
  });

  it('makes a valid model at benchmark size', () => {
    const park = generatePark({ assets: 10_000 });
    expect(() => ParkSchema.parse(park)).not.toThrow();
    expect(park.points.length).toBeGreaterThan(30_000);
  });

  it('rejects a non-positive count', () => {
    expect(() => generatePark({ assets: 0 })).toThrow(RangeError);
  });
});
