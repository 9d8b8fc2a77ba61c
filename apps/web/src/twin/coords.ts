import type { Vec3 } from '@zcp/model';

/** A plain 3-vector (no Babylon import, so the maths stays testable in node). */
export interface XYZ {
  x: number;
  y: number;
  z: number;
}

/**
 * The ONE conversion from the park's local frame (metres; x east, y north, z up) to
 * Babylon's world (left-handed, y up): east → +x, up → +y, north → +z. Seen from above with
 * north at the top of the screen, east stays on the right, so the plan is not mirrored.
 *
 * @example
 * parkToWorld({ x: 10, y: 20, z: 3 }) // { x: 10, y: 3, z: 20 }
 */
export function parkToWorld(p: Vec3): XYZ {
  return { x: p.x, y: p.z, z: p.y };
}

/** Plan (x east, y north) axis-aligned bounds of a polygon. */
export interface PlanBounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function polygonBounds(points: readonly (readonly [number, number])[]): PlanBounds {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { minX, minY, maxX, maxY };
}

/** Signed area of a plan polygon (positive when counter-clockwise with y north). */
export function signedArea(points: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i] as readonly [number, number];
    const [x2, y2] = points[(i + 1) % points.length] as readonly [number, number];
    a += x1 * y2 - x2 * y1;
  }
  return a / 2;
}
