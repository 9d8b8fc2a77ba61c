import { describe, expect, it } from 'vitest';
import { frustumDepthM, frustumOf, frustumSegments } from './frustum.js';

describe('presence → frustum', () => {
  it('points the pyramid from the eye towards the target, depth deep', () => {
    // Park frame: eye 100 m south of the target, 50 m up.
    const f = frustumOf({ position: { x: 0, y: -100, z: 50 }, target: { x: 0, y: 0, z: 0 }, fov: 0.8 }, { depthM: 10, aspect: 2 });
    expect(f.apex).toEqual({ x: 0, y: 50, z: -100 });
    const centre = f.corners.reduce((s, c) => ({ x: s.x + c.x / 4, y: s.y + c.y / 4, z: s.z + c.z / 4 }), { x: 0, y: 0, z: 0 });
    const d = Math.hypot(centre.x - f.apex.x, centre.y - f.apex.y, centre.z - f.apex.z);
    expect(d).toBeCloseTo(10, 6);
    // Towards the target: north (+z) and down (−y) in the world.
    expect(centre.z).toBeGreaterThan(f.apex.z);
    expect(centre.y).toBeLessThan(f.apex.y);
    // Width / height = aspect; height from the field of view.
    const [a, b, c] = f.corners;
    const w = Math.hypot(b.x - a.x, b.y - a.y, b.z - a.z);
    const h = Math.hypot(c.x - b.x, c.y - b.y, c.z - b.z);
    expect(w / h).toBeCloseTo(2, 6);
    expect(h).toBeCloseTo(2 * 10 * Math.tan(0.4), 6);
  });
  it('copes with a camera looking straight down', () => {
    const f = frustumOf({ position: { x: 0, y: 0, z: 100 }, target: { x: 0, y: 0, z: 0 } }, { depthM: 5 });
    for (const c of f.corners) for (const v of [c.x, c.y, c.z]) expect(Number.isFinite(v)).toBe(true);
    expect(frustumSegments(f)).toHaveLength(8);
  });
  it('sizes frustums with the viewer’s distance, within limits', () => {
    expect(frustumDepthM(10)).toBe(4);
    expect(frustumDepthM(500)).toBeCloseTo(30, 9);
    expect(frustumDepthM(1e6)).toBe(80);
  });
});
