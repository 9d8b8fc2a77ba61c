import { describe, expect, it } from 'vitest';
import { fitRadius, fitView, orbitPosition, screenExtent } from './camera-fit.js';

const corners = (hx: number, hz: number) => [
  { x: -hx, y: 0, z: -hz },
  { x: hx, y: 0, z: -hz },
  { x: hx, y: 0, z: hz },
  { x: -hx, y: 0, z: hz },
];

describe('orbitPosition', () => {
  it('puts alpha = -π/2 south of the target (looking north)', () => {
    const p = orbitPosition({ x: 0, y: 0, z: 0 }, -Math.PI / 2, Math.PI / 2, 10);
    expect(p.x).toBeCloseTo(0);
    expect(p.y).toBeCloseTo(0);
    expect(p.z).toBeCloseTo(-10);
  });
});

describe('fitRadius', () => {
  const base = { target: { x: 0, y: 0, z: 0 }, alpha: -Math.PI / 2, beta: 0.001, fovY: Math.PI / 2, fill: 1 };

  it('matches the closed form looking straight down', () => {
    // tan(45°) = 1: a 100 m tall (north-south) site needs 50 m of height on a square view.
    expect(fitRadius({ ...base, points: corners(10, 50), aspect: 1 })).toBeCloseTo(50, 0);
  });

  it('needs more distance on a narrow (phone) viewport for a wide site', () => {
    const wide = corners(500, 150);
    const desktop = fitRadius({ ...base, beta: 0.9, points: wide, aspect: 1.6 });
    const phone = fitRadius({ ...base, beta: 0.9, points: wide, aspect: 0.46 });
    expect(phone).toBeGreaterThan(desktop * 2);
  });
});

describe('fitView', () => {
  it('centres a tilted view of a site and keeps it all on screen', () => {
    const input = { target: { x: 0, y: 0, z: 0 }, points: corners(500, 150), alpha: -Math.PI / 2 - 0.4, beta: 0.7, fovY: 0.8, aspect: 1.3, fill: 0.95 };
    const { target, radius } = fitView(input);
    const e = screenExtent({ ...input, target }, radius);
    if (!e) throw new Error('behind camera');
    expect((e.minY + e.maxY) / 2).toBeCloseTo(0, 1);
    expect((e.minX + e.maxX) / 2).toBeCloseTo(0, 1);
    expect(Math.max(-e.minX, e.maxX, -e.minY, e.maxY)).toBeLessThanOrEqual(0.95 + 1e-6);
  });
});
