import { describe, expect, it } from 'vitest';
import { followStep, nearestAngle, type Orbit, orbitOf, orbitOfView, orbitPosition, orbitsClose, rayGround, viewOfOrbit, worldToPark } from './view-math.js';

const o = (alpha: number, beta: number, radius: number, target = { x: 0, y: 0, z: 0 }): Orbit => ({ target, alpha, beta, radius });

describe('camera poses', () => {
  it('round-trips orbit → position → orbit', () => {
    const a = o(-2.1, 0.8, 300, { x: 10, y: 2, z: -40 });
    const b = orbitOf(orbitPosition(a), a.target);
    expect(b.alpha).toBeCloseTo(a.alpha, 9);
    expect(b.beta).toBeCloseTo(a.beta, 9);
    expect(b.radius).toBeCloseTo(a.radius, 9);
  });
  it('stores views in the park frame (z up) and reads them back', () => {
    const a = o(1, 0.6, 100, { x: 5, y: 0, z: 7 });
    const v = viewOfOrbit(a, 0.8);
    expect(v.target).toEqual({ x: 5, y: 7, z: 0 });
    expect(v.position.z).toBeCloseTo(100 * Math.cos(0.6), 1);
    expect(v.fov).toBe(0.8);
    const back = orbitOfView(v);
    expect(back.alpha).toBeCloseTo(1, 3);
    expect(back.radius).toBeCloseTo(100, 1);
    expect(worldToPark({ x: 1, y: 2, z: 3 })).toEqual({ x: 1, y: 3, z: 2 });
  });
  it('takes the short way round', () => {
    expect(nearestAngle(3, -3)).toBeCloseTo(-3 + 2 * Math.PI, 9);
    expect(nearestAngle(0.1, 0.2)).toBeCloseTo(0.2, 9);
  });
  it('meets the ground only when looking down', () => {
    expect(rayGround({ x: 0, y: 10, z: 0 }, { x: 1, y: -1, z: 0 })).toEqual({ x: 10, y: 0, z: 0 });
    expect(rayGround({ x: 0, y: 10, z: 0 }, { x: 1, y: 0.1, z: 0 })).toBeNull();
  });
});

describe('follow-camera interpolation', () => {
  it('halves the distance every half-life, whatever the frame rate', () => {
    const from = o(0, 0.5, 100, { x: 0, y: 0, z: 0 });
    const to = o(0, 0.5, 100, { x: 100, y: 0, z: 0 });
    const one = followStep(from, to, 180, 180);
    expect(one.target.x).toBeCloseTo(50, 6);
    let many = from;
    for (let i = 0; i < 12; i++) many = followStep(many, to, 15, 180);
    expect(many.target.x).toBeCloseTo(50, 6);
  });
  it('never overshoots and converges', () => {
    const from = o(3, 0.3, 800);
    const to = o(-3, 1.2, 40, { x: 50, y: 10, z: -20 });
    let c = from;
    let prevGap = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 200; i++) {
      c = followStep(c, to, 16);
      const p = orbitPosition(c);
      const q = orbitPosition(to);
      const gap = Math.hypot(p.x - q.x, p.y - q.y, p.z - q.z);
      expect(gap).toBeLessThanOrEqual(prevGap + 1e-9);
      prevGap = gap;
    }
    expect(orbitsClose(c, to, 0.01)).toBe(true);
    // Went the short way across ±π (alpha 3 → −3 + 2π ≈ 3.28), not the long way through 0.
    expect(followStep(from, to, 16).alpha).toBeGreaterThan(3);
  });
  it('eases the distance in log space and stays put on dt = 0', () => {
    const mid = followStep(o(0, 0.5, 1000), o(0, 0.5, 10), 180, 180);
    expect(mid.radius).toBeCloseTo(100, 6);
    const same = followStep(o(1, 0.5, 50), o(2, 0.7, 10), 0);
    expect(same.alpha).toBe(1);
    expect(same.radius).toBeCloseTo(50, 9);
  });
});
