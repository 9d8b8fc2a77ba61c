import { ArcRotateCamera, type Scene, Vector3 } from './babylon.js';
import { fitView } from './camera-fit.js';
import type { XYZ } from './coords.js';
import { followStep, nearestAngle, type Orbit, orbitsClose } from './view-math.js';

export interface SiteBox {
  min: XYZ;
  max: XYZ;
}

export interface CameraRig {
  camera: ArcRotateCamera;
  /** Frames the whole site for the current viewport shape. */
  overview(animate: boolean): void;
  /** Glides to look at `centre` from a distance suited to `sizeM`. */
  focus(centre: XYZ, sizeM: number): void;
  /** True while a glide is running (the render loop keeps drawing). */
  animating(): boolean;
  /** Call each frame; advances a glide and rescales panning to the current distance. */
  tick(dtMs: number): void;
  /** Share of the canvas height covered at the bottom (a phone's bottom sheet), 0..0.8. */
  setBottomInset(fraction: number): void;
  /** The current pose. */
  orbit(): Orbit;
  /** Glides to a pose (a saved annotation view), the short way round. */
  flyTo(o: Orbit): void;
  /** Eases towards `goal` every frame from now on (following someone); null stops. */
  follow(goal: Orbit | null): void;
}

const GLIDE_MS = 550;

/**
 * Orbit camera with touch: one finger rotates, pinch zooms, two fingers pan; mouse: left
 * rotates, right (or ctrl+left) pans, wheel zooms. Limits keep it above ground and near
 * the site.
 */
export function createCameraRig(scene: Scene, canvas: HTMLCanvasElement, site: SiteBox): CameraRig {
  const centre = new Vector3((site.min.x + site.max.x) / 2, 0, (site.min.z + site.max.z) / 2);
  const camera = new ArcRotateCamera('camera', -Math.PI / 2, 0.9, 800, centre.clone(), scene);
  camera.fov = 0.8;
  camera.minZ = 1;
  camera.maxZ = 20_000;
  camera.lowerBetaLimit = 0.05;
  camera.upperBetaLimit = 1.4;
  camera.lowerRadiusLimit = 12;
  camera.wheelDeltaPercentage = 0.01;
  camera.pinchDeltaPercentage = 0.004;
  camera.useNaturalPinchZoom = true;
  camera.panningInertia = 0.85;
  camera.inertia = 0.85;
  // Default 1000 px per radian, with inertia, spins a phone-sized drag too far.
  camera.angularSensibilityX = 2500;
  camera.angularSensibilityY = 2500;
  camera.panningOriginTarget = centre.clone();
  camera.panningDistanceLimit = Math.hypot(site.max.x - site.min.x, site.max.z - site.min.z) * 0.6;
  camera.attachControl(canvas, true);

  const corners: XYZ[] = [];
  for (const x of [site.min.x, site.max.x]) for (const y of [site.min.y, site.max.y]) for (const z of [site.min.z, site.max.z]) corners.push({ x, y, z });

  let glide: { from: [Vector3, number, number, number]; to: [Vector3, number, number, number]; t: number } | null = null;
  const startGlide = (target: Vector3, alpha: number, beta: number, radius: number) => {
    glide = { from: [camera.target.clone(), camera.alpha, camera.beta, camera.radius], to: [target, alpha, beta, radius], t: 0 };
  };

  let followGoal: Orbit | null = null;
  const current = (): Orbit => ({
    target: { x: camera.target.x, y: camera.target.y, z: camera.target.z },
    alpha: camera.alpha,
    beta: camera.beta,
    radius: camera.radius,
  });
  const clampOrbit = (o: Orbit): Orbit => ({
    ...o,
    beta: Math.min(Math.max(o.beta, camera.lowerBetaLimit ?? 0.01), camera.upperBetaLimit ?? Math.PI / 2),
    radius: Math.min(Math.max(o.radius, camera.lowerRadiusLimit ?? 1), camera.upperRadiusLimit ?? Number.POSITIVE_INFINITY),
  });

  let inset = 0;
  const overviewPose = () => {
    // Fit into the uncovered part of the canvas: a viewport (1 − inset) as tall, whose centre
    // tick() moves the target to with targetScreenOffset.
    const aspect = canvas.clientWidth / Math.max(canvas.clientHeight * (1 - inset), 1);
    const fovY = 2 * Math.atan(Math.tan(camera.fov / 2) * (1 - inset));
    // A portrait phone looks east along the site's long axis, so it runs up the screen.
    const alpha = aspect < 0.9 ? -Math.PI + 0.3 : -Math.PI / 2 - 0.3;
    const beta = aspect < 0.9 ? 0.6 : 0.7;
    const fit = fitView({ target: centre, points: corners, alpha, beta, fovY, aspect, fill: 0.93 });
    return { alpha, beta, radius: fit.radius, target: new Vector3(fit.target.x, fit.target.y, fit.target.z) };
  };

  return {
    camera,
    overview(animate) {
      const p = overviewPose();
      camera.upperRadiusLimit = p.radius * 2.5;
      if (animate) startGlide(p.target, p.alpha, p.beta, p.radius);
      else {
        camera.setTarget(p.target);
        camera.alpha = p.alpha;
        camera.beta = p.beta;
        camera.radius = p.radius;
      }
    },
    focus(c, sizeM) {
      const radius = Math.min(Math.max(60, sizeM * 5), camera.upperRadiusLimit ?? 2000);
      const beta = Math.min(camera.beta, 1.0);
      startGlide(new Vector3(c.x, c.y, c.z), camera.alpha, beta, radius);
    },
    animating: () => glide !== null || (followGoal !== null && !orbitsClose(current(), clampOrbit(followGoal))),
    orbit: current,
    flyTo(o) {
      followGoal = null;
      const c = clampOrbit(o);
      startGlide(new Vector3(c.target.x, c.target.y, c.target.z), nearestAngle(camera.alpha, c.alpha), c.beta, c.radius);
    },
    follow(goal) {
      followGoal = goal;
      if (goal) glide = null;
    },
    tick(dtMs) {
      if (followGoal) {
        const next = followStep(current(), clampOrbit(followGoal), dtMs);
        camera.setTarget(new Vector3(next.target.x, next.target.y, next.target.z));
        camera.alpha = next.alpha;
        camera.beta = next.beta;
        camera.radius = next.radius;
      } else if (glide) {
        glide.t = Math.min(1, glide.t + dtMs / GLIDE_MS);
        const e = 1 - (1 - glide.t) ** 3;
        const [ft, fa, fb, fr] = glide.from;
        const [tt, ta, tb, tr] = glide.to;
        camera.setTarget(Vector3.Lerp(ft, tt, e));
        camera.alpha = fa + (ta - fa) * e;
        camera.beta = fb + (tb - fb) * e;
        camera.radius = fr + (tr - fr) * e;
        if (glide.t >= 1) glide = null;
      }
      // Keep a drag moving the ground about as far as the finger at any zoom; inertia carries
      // each input on for a geometric 1 / (1 − inertia) frames' worth, so divide it back out.
      const visibleM = 2 * camera.radius * Math.tan(camera.fov / 2);
      camera.panningSensibility = Math.max(0.05, canvas.clientHeight / visibleM / (1 - camera.panningInertia));
      // Shifts the view so the target sits mid-way up the uncovered area (view-space metres).
      camera.targetScreenOffset.y = inset * camera.radius * Math.tan(camera.fov / 2);
    },
    setBottomInset(fraction) {
      inset = Math.min(Math.max(fraction, 0), 0.8);
    },
  };
}
