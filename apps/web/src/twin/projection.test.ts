import { describe, expect, it } from 'vitest';
import { CATEGORY_HEX, pinSizePx, pinZIndex, projectPoint, STATUS_GLYPH } from './projection.js';

/** A simple view-projection in Babylon's row-vector layout: orthographic-ish scale plus w = z (perspective divide). */
function perspective(f: number): number[] {
  // x' = f·x, y' = f·y, z' = (z − 1) / z-ish via (z·1 − 1), w = z
  return [f, 0, 0, 0, 0, f, 0, 0, 0, 0, 1, 1, 0, 0, -1, 0];
}

describe('pin projection', () => {
  it('puts a point on the axis at the canvas centre and divides by depth', () => {
    const m = perspective(2);
    const c = projectPoint(m, { x: 0, y: 0, z: 10 }, 800, 600);
    expect(c).toMatchObject({ x: 400, y: 300, visible: true });
    expect(c.depth).toBeCloseTo(0.9, 9);
    const right = projectPoint(m, { x: 2, y: 1, z: 10 }, 800, 600);
    // ndc x = 2·2/10 = 0.4 → 0.7·800 = 560; ndc y = 0.2 → (1 − 0.2)/2·600 = 240
    expect(right.x).toBeCloseTo(560, 9);
    expect(right.y).toBeCloseTo(240, 9);
  });
  it('hides points behind the camera or off the canvas (beyond the margin)', () => {
    const m = perspective(2);
    expect(projectPoint(m, { x: 0, y: 0, z: -5 }, 800, 600).visible).toBe(false);
    expect(projectPoint(m, { x: 6, y: 0, z: 10 }, 800, 600).visible).toBe(false);
    // ndc 1.2 → x = 880: hidden without a margin, shown with 100 px.
    expect(projectPoint(m, { x: 6, y: 0, z: 10 }, 800, 600, 100).visible).toBe(true);
  });
  it('keeps pins the same pixel size at every zoom', () => {
    expect(pinSizePx({ selected: false, coarsePointer: false })).toBe(28);
    expect(pinSizePx({ selected: true, coarsePointer: false })).toBe(35);
    expect(pinSizePx({ selected: false, coarsePointer: true })).toBeGreaterThanOrEqual(32);
  });
  it('stacks nearer pins over farther ones and the selected over all', () => {
    expect(pinZIndex(0.2, false)).toBeGreaterThan(pinZIndex(0.9, false));
    expect(pinZIndex(0.99, true)).toBeGreaterThan(pinZIndex(0, false));
    expect(pinZIndex(5, false)).toBeGreaterThanOrEqual(1);
  });
  it('gives each category its own colour and each status its own glyph', () => {
    expect(new Set(Object.values(CATEGORY_HEX)).size).toBe(4);
    expect(new Set(Object.values(STATUS_GLYPH)).size).toBe(3);
  });
});
