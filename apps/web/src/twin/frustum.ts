import type { CameraView } from '@zcp/model';
import { parkToWorld, type XYZ } from './coords.js';

/** A camera drawn as a small pyramid: its eye and the four corners of a near rectangle (world coordinates). */
export interface Frustum {
  apex: XYZ;
  corners: [XYZ, XYZ, XYZ, XYZ];
}

const sub = (a: XYZ, b: XYZ): XYZ => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });
const add = (a: XYZ, b: XYZ, s = 1): XYZ => ({ x: a.x + b.x * s, y: a.y + b.y * s, z: a.z + b.z * s });
const cross = (a: XYZ, b: XYZ): XYZ => ({ x: a.y * b.z - a.z * b.y, y: a.z * b.x - a.x * b.z, z: a.x * b.y - a.y * b.x });
const norm = (a: XYZ): XYZ => {
  const l = Math.hypot(a.x, a.y, a.z) || 1;
  return { x: a.x / l, y: a.y / l, z: a.z / l };
};

/** Default vertical field of view of a remote camera that did not say (the twin's own). */
export const DEFAULT_FOV_RAD = 0.8;

/**
 * The frustum of another participant's camera (their `CameraView`, park frame) in world
 * coordinates: the pyramid from their eye towards their target, `depthM` deep, with their
 * field of view and the given aspect.
 *
 * @example
 * const f = frustumOf(peer.camera, { depthM: frustumDepthM(distance), aspect: 16 / 9 });
 */
export function frustumOf(view: CameraView, o: { depthM: number; aspect?: number }): Frustum {
  const apex = parkToWorld(view.position);
  const target = parkToWorld(view.target);
  const f = norm(sub(target, apex));
  // Straight down has no horizon: pick north as the screen's up.
  const worldUp = Math.abs(f.y) > 0.999 ? { x: 0, y: 0, z: 1 } : { x: 0, y: 1, z: 0 };
  const right = norm(cross(worldUp, f));
  const up = norm(cross(f, right));
  const halfH = o.depthM * Math.tan((view.fov ?? DEFAULT_FOV_RAD) / 2);
  const halfW = halfH * (o.aspect ?? 16 / 9);
  const centre = add(apex, f, o.depthM);
  const corner = (sx: number, sy: number) => add(add(centre, right, sx * halfW), up, sy * halfH);
  return { apex, corners: [corner(-1, 1), corner(1, 1), corner(1, -1), corner(-1, -1)] };
}

/**
 * How deep to draw a remote camera, from how far the viewer is from it: about 6 % of the
 * distance (so it keeps roughly the same size on screen, some 50 px on a 900 px tall view),
 * never smaller than 4 m nor bigger than 80 m.
 */
export function frustumDepthM(distanceFromViewerM: number): number {
  return Math.min(80, Math.max(4, distanceFromViewerM * 0.06));
}

/** The 8 segments of a frustum (apex to each corner, and the rim), for a line system. */
export function frustumSegments(f: Frustum): [XYZ, XYZ][] {
  const [a, b, c, d] = f.corners;
  return [
    [f.apex, a],
    [f.apex, b],
    [f.apex, c],
    [f.apex, d],
    [a, b],
    [b, c],
    [c, d],
    [d, a],
  ];
}
