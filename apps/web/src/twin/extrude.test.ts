import { describe, expect, it } from 'vitest';
import { signedArea } from './coords.js';
import { appendPrism, type PrismGeometry, triangulate } from './extrude.js';

const areaOf = (poly: [number, number][], tris: number[]) => {
  let a = 0;
  for (let i = 0; i < tris.length; i += 3)
    a += signedArea([poly[tris[i] as number], poly[tris[i + 1] as number], poly[tris[i + 2] as number]] as [number, number][]);
  return a;
};

describe('triangulate', () => {
  it('splits a rectangle into two CCW triangles covering it', () => {
    const rect: [number, number][] = [
      [0, 0],
      [4, 0],
      [4, 2],
      [0, 2],
    ];
    const tris = triangulate(rect);
    expect(tris.length).toBe(6);
    expect(areaOf(rect, tris)).toBeCloseTo(8);
  });

  it('handles a concave L and a clockwise input', () => {
    const l: [number, number][] = [
      [0, 0],
      [4, 0],
      [4, 1],
      [1, 1],
      [1, 3],
      [0, 3],
    ];
    expect(areaOf(l, triangulate(l))).toBeCloseTo(6);
    const cw = [...l].reverse();
    expect(Math.abs(areaOf(cw, triangulate(cw)))).toBeCloseTo(6);
    expect(triangulate(cw).length).toBe(12);
  });
});

describe('appendPrism', () => {
  it('emits 4 vertices per wall plus the roof, with outward wall normals', () => {
    const geo: PrismGeometry = { positions: [], normals: [], indices: [] };
    appendPrism(
      geo,
      [
        [0, 0],
        [10, 0],
        [10, 5],
        [0, 5],
      ],
      0,
      3,
    );
    expect(geo.positions.length / 3).toBe(4 * 4 + 4);
    expect(geo.indices.length).toBe(4 * 6 + 6);
    // First wall runs east along y = 0 (the south side): its normal faces south (−z in world).
    expect(geo.normals.slice(0, 3)).toEqual([0, 0, -1]);
  });
});
