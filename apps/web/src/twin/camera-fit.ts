import type { XYZ } from './coords.js';

export interface FitInput {
  /** Orbit target (world). */
  target: XYZ;
  /** World-space points that must be on screen (e.g. the site's box corners). */
  points: readonly XYZ[];
  /** ArcRotateCamera angles, radians. */
  alpha: number;
  beta: number;
  /** Vertical field of view, radians. */
  fovY: number;
  /** Viewport width / height. */
  aspect: number;
  /** Fraction of the half-viewport the points may use (0..1). */
  fill?: number;
}

/** Babylon's ArcRotateCamera position for the given orbit. */
export function orbitPosition(target: XYZ, alpha: number, beta: number, radius: number): XYZ {
  return {
    x: target.x + radius * Math.cos(alpha) * Math.sin(beta),
    y: target.y + radius * Math.cos(beta),
    z: target.z + radius * Math.sin(alpha) * Math.sin(beta),
  };
}

const sub = (a: XYZ, b: XYZ): XYZ => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });
const dot = (a: XYZ, b: XYZ) => a.x * b.x + a.y * b.y + a.z * b.z;
const cross = (a: XYZ, b: XYZ): XYZ => ({ x: a.y * b.z - a.z * b.y, y: a.z * b.x - a.x * b.z, z: a.x * b.y - a.y * b.x });
const norm = (a: XYZ): XYZ => {
  const l = Math.hypot(a.x, a.y, a.z) || 1;
  return { x: a.x / l, y: a.y / l, z: a.z / l };
};

/** Screen extent of the points, in units of the half-viewport (−1..1 means on screen); null if any is behind. */
export function screenExtent(input: FitInput, radius: number): { minX: number; maxX: number; minY: number; maxY: number } | null {
  const eye = orbitPosition(input.target, input.alpha, input.beta, radius);
  const f = norm(sub(input.target, eye));
  const right = norm(cross({ x: 0, y: 1, z: 0 }, f));
  const up = cross(f, right);
  const tanY = Math.tan(input.fovY / 2);
  const tanX = tanY * input.aspect;
  const e = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (const p of input.points) {
    const d = sub(p, eye);
    const depth = dot(d, f);
    if (depth <= 0.1) return null;
    const x = dot(d, right) / depth / tanX;
    const y = dot(d, up) / depth / tanY;
    e.minX = Math.min(e.minX, x);
    e.maxX = Math.max(e.maxX, x);
    e.minY = Math.min(e.minY, y);
    e.maxY = Math.max(e.maxY, y);
  }
  return e;
}

function fits(input: FitInput, radius: number): boolean {
  const e = screenExtent(input, radius);
  const fill = input.fill ?? 0.9;
  return e !== null && Math.max(-e.minX, e.maxX, -e.minY, e.maxY) <= fill;
}

/**
 * The smallest orbit radius at which every point is inside the view (binary search; the
 * perspective makes a closed form awkward for points off the target plane).
 *
 * @example
 * fitRadius({ target, points: corners, alpha: -Math.PI / 2, beta: 0.9, fovY: 0.8, aspect: 16 / 9 })
 */
export function fitRadius(input: FitInput): number {
  let lo = 1;
  let hi = 1;
  while (!fits(input, hi) && hi < 1e7) hi *= 2;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (fits(input, mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Fits and centres: moves the target on the ground until the points' screen extent is
 * centred (perspective puts the far side of a site high and small), then fits the radius.
 *
 * @example
 * const { target, radius } = fitView({ target: centre, points: corners, alpha, beta, fovY, aspect });
 */
export function fitView(input: FitInput): { target: XYZ; radius: number } {
  let target = input.target;
  let radius = fitRadius(input);
  // Ground directions of the view: forward (away from the camera) and right.
  const fwd = norm({ x: -Math.cos(input.alpha), y: 0, z: -Math.sin(input.alpha) });
  const right = { x: fwd.z, y: 0, z: -fwd.x };
  for (let i = 0; i < 8; i++) {
    const e = screenExtent({ ...input, target }, radius);
    if (!e) break;
    const cx = (e.minX + e.maxX) / 2;
    const cy = (e.minY + e.maxY) / 2;
    if (Math.abs(cx) < 0.005 && Math.abs(cy) < 0.005) break;
    const half = radius * Math.tan(input.fovY / 2);
    const dF = (cy * half) / Math.max(Math.cos(input.beta), 0.2);
    const dR = cx * half * input.aspect;
    target = { x: target.x + fwd.x * dF + right.x * dR, y: target.y, z: target.z + fwd.z * dF + right.z * dR };
    radius = fitRadius({ ...input, target });
  }
  return { target, radius };
}
