import type { CameraView, Vec3 } from '@zcp/model';
import { parkToWorld, type XYZ } from './coords.js';

/**
 * Camera poses as plain numbers (no Babylon), so flying, following and frustums are testable
 * in node. A pose is the orbit camera's: a target and an angle pair plus a distance, in
 * Babylon's world (y up); `CameraView` is the same pose in the park's frame (z up), as stored
 * in annotations and sent in presence.
 */
export interface Orbit {
  target: XYZ;
  /** Longitude around the target, radians (Babylon ArcRotateCamera `alpha`). */
  alpha: number;
  /** Angle down from straight above, radians (`beta`). */
  beta: number;
  radius: number;
}

/** The inverse of `parkToWorld`: Babylon world (y up) → park frame (z up). */
export function worldToPark(p: XYZ): Vec3 {
  return { x: p.x, y: p.z, z: p.y };
}

/** Where the orbit camera stands, in world coordinates (ArcRotateCamera's convention). */
export function orbitPosition(o: Orbit): XYZ {
  const s = Math.sin(o.beta);
  return {
    x: o.target.x + o.radius * Math.cos(o.alpha) * s,
    y: o.target.y + o.radius * Math.cos(o.beta),
    z: o.target.z + o.radius * Math.sin(o.alpha) * s,
  };
}

/** The orbit that puts the camera at `position` looking at `target` (world coordinates). */
export function orbitOf(position: XYZ, target: XYZ): Orbit {
  const dx = position.x - target.x;
  const dy = position.y - target.y;
  const dz = position.z - target.z;
  const radius = Math.max(Math.hypot(dx, dy, dz), 1e-6);
  return { target: { ...target }, alpha: Math.atan2(dz, dx), beta: Math.acos(Math.min(1, Math.max(-1, dy / radius))), radius };
}

/** A stored view (park frame) as an orbit (world). */
export function orbitOfView(v: CameraView): Orbit {
  return orbitOf(parkToWorld(v.position), parkToWorld(v.target));
}

/** An orbit (world) as a stored view (park frame); positions rounded to centimetres. */
export function viewOfOrbit(o: Orbit, fov?: number): CameraView {
  const r = (p: XYZ) => {
    const q = worldToPark(p);
    return { x: round2(q.x), y: round2(q.y), z: round2(q.z) };
  };
  return fov === undefined ? { position: r(orbitPosition(o)), target: r(o.target) } : { position: r(orbitPosition(o)), target: r(o.target), fov };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** `to` shifted by whole turns so it is within π of `from`: glides take the short way round. */
export function nearestAngle(from: number, to: number): number {
  const TAU = 2 * Math.PI;
  return to - TAU * Math.round((to - from) / TAU);
}

/** Follow smoothing: time for the remaining distance to halve. */
export const FOLLOW_HALF_LIFE_MS = 180;

/**
 * One frame of following another camera: moves `current` part of the way to `goal`, by a
 * share that depends on the frame time only (exponential smoothing), so it looks the same at
 * 30 and 120 frames a second and never overshoots. Angles take the short way round; the
 * distance eases in log space, so a zoom from far feels as even as one from near.
 *
 * @example
 * camera = followStep(camera, leader, 16); // each frame
 */
export function followStep(current: Orbit, goal: Orbit, dtMs: number, halfLifeMs = FOLLOW_HALF_LIFE_MS): Orbit {
  const k = 1 - 0.5 ** (Math.max(0, dtMs) / halfLifeMs);
  const lerp = (a: number, b: number) => a + (b - a) * k;
  const alpha = lerp(current.alpha, nearestAngle(current.alpha, goal.alpha));
  return {
    target: { x: lerp(current.target.x, goal.target.x), y: lerp(current.target.y, goal.target.y), z: lerp(current.target.z, goal.target.z) },
    alpha,
    beta: lerp(current.beta, goal.beta),
    radius: Math.exp(lerp(Math.log(Math.max(current.radius, 1e-6)), Math.log(Math.max(goal.radius, 1e-6)))),
  };
}

/** Close enough that following has caught up (metres of target and camera, radians). */
export function orbitsClose(a: Orbit, b: Orbit, metres = 0.05): boolean {
  const pa = orbitPosition(a);
  const pb = orbitPosition(b);
  return (
    Math.hypot(pa.x - pb.x, pa.y - pb.y, pa.z - pb.z) < metres && Math.hypot(a.target.x - b.target.x, a.target.y - b.target.y, a.target.z - b.target.z) < metres
  );
}

/** Where a picking ray (world) meets the ground plane y = 0, or null when it looks up or along it. */
export function rayGround(origin: XYZ, direction: XYZ): XYZ | null {
  if (direction.y > -1e-6) return null;
  const t = -origin.y / direction.y;
  if (t < 0) return null;
  return { x: origin.x + direction.x * t, y: 0, z: origin.z + direction.z * t };
}
