import { signedArea } from './coords.js';

type P2 = readonly [number, number];

/**
 * Ear-clipping triangulation of a simple plan polygon (x east, y north). Returns index
 * triples into `poly`, each counter-clockwise in plan. O(n³) worst case — footprints have a
 * handful of corners, and this keeps earcut out of the bundle.
 *
 * @example
 * triangulate([[0,0],[1,0],[1,1],[0,1]]) // [0,1,2, 0,2,3] (or an equivalent split)
 */
export function triangulate(poly: readonly P2[]): number[] {
  const n = poly.length;
  if (n < 3) return [];
  const order = Array.from({ length: n }, (_, i) => i);
  if (signedArea(poly) < 0) order.reverse();
  const out: number[] = [];
  const at = (i: number) => poly[i] as P2;
  const cross = (a: P2, b: P2, c: P2) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  const inside = (p: P2, a: P2, b: P2, c: P2) => cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0;
  let guard = n * n;
  while (order.length > 3 && guard-- > 0) {
    let clipped = false;
    for (let k = 0; k < order.length; k++) {
      const ia = order[(k + order.length - 1) % order.length] as number;
      const ib = order[k] as number;
      const ic = order[(k + 1) % order.length] as number;
      const [a, b, c] = [at(ia), at(ib), at(ic)];
      if (cross(a, b, c) <= 1e-12) continue; // reflex or degenerate corner
      const blocked = order.some((j) => j !== ia && j !== ib && j !== ic && inside(at(j), a, b, c));
      if (blocked) continue;
      out.push(ia, ib, ic);
      order.splice(k, 1);
      clipped = true;
      break;
    }
    if (!clipped) break; // not simple; give up on the rest rather than loop
  }
  if (order.length === 3) out.push(order[0] as number, order[1] as number, order[2] as number);
  return out;
}

/** Flat-shaded prism geometry in Babylon world coordinates (x east, y up, z north). */
export interface PrismGeometry {
  positions: number[];
  normals: number[];
  indices: number[];
}

/**
 * Appends an extruded footprint (walls and a flat roof, no floor) from `baseY` to `topY`.
 * Triangles keep the plan's counter-clockwise order (x east, z north); through parkToWorld's
 * axis swap that is the winding Babylon culls as back-facing from inside, so faces show
 * from outside (checked against the screenshots, not just reasoned).
 */
export function appendPrism(geo: PrismGeometry, footprint: readonly P2[], baseY: number, topY: number): void {
  const poly = signedArea(footprint) < 0 ? [...footprint].reverse() : footprint;
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const [x1, y1] = poly[i] as P2;
    const [x2, y2] = poly[(i + 1) % n] as P2;
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    // Outward normal of a CCW edge points to its right: (dy, -dx) in plan → world (x, 0, z).
    const nx = (y2 - y1) / len;
    const nz = -(x2 - x1) / len;
    const v = geo.positions.length / 3;
    geo.positions.push(x1, baseY, y1, x2, baseY, y2, x2, topY, y2, x1, topY, y1);
    for (let k = 0; k < 4; k++) geo.normals.push(nx, 0, nz);
    geo.indices.push(v, v + 1, v + 2, v, v + 2, v + 3);
  }
  const v = geo.positions.length / 3;
  for (const [x, y] of poly) {
    geo.positions.push(x, topY, y);
    geo.normals.push(0, 1, 0);
  }
  const tris = triangulate(poly);
  for (let t = 0; t < tris.length; t += 3) geo.indices.push(v + (tris[t] as number), v + (tris[t + 1] as number), v + (tris[t + 2] as number));
}
