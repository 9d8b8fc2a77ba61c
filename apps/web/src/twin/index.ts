import type { CameraView, ParkIndex, Vec3 } from '@zcp/model';
import type { PowerRef } from '../state/asset-power.js';
import type { LiveValue } from '../state/live-values.js';
import { createAssetLayers } from './asset-layers.js';
import { Color3, Color4, DirectionalLight, Engine, HemisphericLight, type Mesh, PointerEventTypes, Scene, Vector3 } from './babylon.js';
import { createCameraRig } from './camera.js';
import { createCollabLayer, type LaserSpec, type PeerCameraSpec, type PinSpec } from './collab-layer.js';
import { createLabelLayer, type LabelSpec } from './labels.js';
import { attachPressAndHold } from './press-and-hold.js';
import { createSelectionMarker } from './selection-marker.js';
import { computePads, createBuildings, createGround, type Pad } from './site.js';
import { orbitOfView, rayGround, viewOfOrbit, worldToPark } from './view-math.js';

export type { LaserSpec, PeerCameraSpec, PinSpec } from './collab-layer.js';
export type { LabelSpec } from './labels.js';
export type { Pad } from './site.js';

export interface TwinOptions {
  index: ParkIndex;
  refs: ReadonlyMap<string, PowerRef>;
  values: ReadonlyMap<number, LiveValue>;
  /** HTML container for labels, laid over the canvas. */
  labelLayer: HTMLElement;
  /** CSS pixels of the canvas bottom covered by UI at start (see Twin.setBottomInset). */
  bottomInsetPx?: number;
  /** A tap on an asset (or on a building: its meter); `null` for empty ground. `at`: canvas CSS pixels of the tap. */
  onPick(assetId: string | null, at: { x: number; y: number }): void;
  /** HTML container for annotation pins and participants' name tags (clickable), over the canvas. */
  pinLayer?: HTMLElement;
  onPinClick?(annotationId: string): void;
  /** The camera moved (called at most once a frame). */
  onViewChange?(): void;
  /** The user touched the view: pointer down, wheel (ends following someone). */
  onGesture?(): void;
  /** Click-and-hold laser pointer: where it points (park frame) while held, null on release. */
  onLaser?(point: Vec3 | null): void;
}

export interface Twin {
  scene: Scene;
  engine: Engine;
  pads: Pad[];
  /** Highlights an asset (null clears); `focus` also glides the camera to it. */
  select(assetId: string | null, focus: boolean): boolean;
  /** Queues a recolour of the assets whose power points changed (batched, ≤ 4 per second). */
  markChanged(pointIds: readonly number[]): void;
  overview(animate: boolean): void;
  /** CSS pixels of the canvas bottom hidden under UI (the phone's bottom sheet). */
  setBottomInset(px: number): void;
  setLabels(labels: LabelSpec[]): void;
  /** Colours each enterprise's buildings (enterprise id → hex; missing → `fallbackHex`); null restores tenant colours. */
  setEnterpriseColours(hexOfEnterprise: ReadonlyMap<string, string> | null, fallbackHex?: string): void;
  /** CSS-pixel position of an asset in the canvas, or null when off screen. */
  projectAsset(assetId: string): { x: number; y: number } | null;
  /** What a tap at canvas CSS pixel (x, y) would select. */
  pickAt(x: number, y: number): string | null;
  /** What is under canvas CSS pixel (x, y): the asset (if any) and the point hit, or where the ray meets the ground (park frame). */
  pickPoint(x: number, y: number): { assetId: string | null; point: Vec3 } | null;
  /** The top of an asset as drawn (park frame), where its pins stand; null if it is not drawn. */
  assetTop(assetId: string): Vec3 | null;
  /** The camera pose in the park frame (what annotations store and presence shares). */
  view(): CameraView;
  /** Glides to a stored view. */
  flyTo(view: CameraView): void;
  /** Follows another camera smoothly (each new pose eased into); null stops following. */
  follow(view: CameraView | null): void;
  setPins(pins: PinSpec[]): void;
  setPeers(peers: PeerCameraSpec[]): void;
  setLasers(lasers: LaserSpec[]): void;
  /** Marks another participant's (the presenter's) selected asset; null clears. */
  highlight(assetId: string | null): void;
  /** Where a pin is drawn (canvas CSS px), or null when hidden. */
  pinAt(annotationId: string): { x: number; y: number } | null;
  dispose(): void;
}

const RECOLOUR_INTERVAL_MS = 250;
const PRESENTER_MARK_HEX = '#ffb020';
const MAX_PIXEL_RATIO = 2;

/**
 * The 3D park, generated from the park model. Renders on demand: a frame is drawn only when
 * the camera moves, a glide runs, colours change or the canvas resizes.
 *
 * @example
 * const twin = await createTwin(canvas, { index, refs, values, labelLayer, onPick });
 */
export function createTwin(canvas: HTMLCanvasElement, o: TwinOptions): Twin {
  const engine = new Engine(canvas, true, { preserveDrawingBuffer: true, stencil: true, antialias: true, powerPreference: 'high-performance' }, false);
  engine.setHardwareScalingLevel(1 / Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO));
  const scene = new Scene(engine);
  scene.clearColor = Color4.FromHexString('#0e151dff');
  scene.ambientColor = new Color3(0.25, 0.25, 0.25);
  scene.skipPointerMovePicking = true;
  scene.autoClear = true;

  const hemi = new HemisphericLight('sky', new Vector3(0.1, 1, -0.2), scene);
  hemi.intensity = 0.75;
  hemi.groundColor = new Color3(0.25, 0.27, 0.3);
  const sun = new DirectionalLight('sun', new Vector3(-0.45, -1, 0.6), scene);
  sun.intensity = 0.65;

  const layers = createAssetLayers(scene, o.index, o.refs);
  const specs = [...layers.layers.values()].flatMap((l) => l.specs);
  const pads = computePads(o.index, new Map([...layers.layers].map(([k, l]) => [k, l.specs])));
  createGround(scene, o.index, pads);
  const buildings = createBuildings(scene, o.index);
  const marker = createSelectionMarker(scene);
  const presenterMarker = createSelectionMarker(scene, PRESENTER_MARK_HEX);
  layers.recolour(o.values);

  const [bx0, by0, bx1, by1] = o.index.park.bounds;
  const maxH = Math.max(30, ...o.index.park.buildings.map((b) => b.heightM), ...specs.map((s) => s.centre.y));
  const rig = createCameraRig(scene, canvas, {
    min: { x: Math.min(bx0, ...pads.map((p) => p.minX)), y: 0, z: Math.min(by0, ...pads.map((p) => p.minY)) },
    max: { x: Math.max(bx1, ...pads.map((p) => p.maxX)), y: maxH, z: Math.max(by1, ...pads.map((p) => p.maxY)) },
  });
  rig.setBottomInset((o.bottomInsetPx ?? 0) / Math.max(canvas.clientHeight, 1));
  rig.overview(false);

  const labels = createLabelLayer(o.labelLayer);
  let dirtyFrames = 2;
  let labelsDirty = true;
  const markDirty = () => {
    dirtyFrames = Math.max(dirtyFrames, 2);
  };
  // A frame that moved the camera asks for the next one, so inertia plays out; input
  // between frames (which the camera only applies while rendering) kicks the loop awake.
  rig.camera.onViewMatrixChangedObservable.add(() => {
    markDirty();
    labelsDirty = true;
    o.onViewChange?.();
  });
  const kick = (e: Event) => {
    if (e instanceof PointerEvent && e.type === 'pointermove' && e.buttons === 0 && e.pointerType === 'mouse') return;
    markDirty();
  };
  const INPUT_EVENTS = ['pointerdown', 'pointermove', 'pointerup', 'wheel', 'keydown'] as const;
  for (const type of INPUT_EVENTS) canvas.addEventListener(type, kick, { passive: true });

  // Buildings stand for their meter: a tap on a block shows the block's total.
  const meterOfBuilding = new Map<string, string>();
  for (const a of o.index.park.assets) if (a.buildingId && a.kind === 'sub_meter') meterOfBuilding.set(a.buildingId, a.id);
  const pickable = (m: { isPickable: boolean; isEnabled(): boolean }) => m.isPickable && m.isEnabled();
  const pickCss = (x: number, y: number): string | null => {
    const info = scene.pick(x, y, pickable);
    if (!info?.hit || !info.pickedMesh) return null;
    if (info.pickedMesh === buildings.mesh) {
      const b = buildings.buildingOfFace(info.faceId);
      return b ? (meterOfBuilding.get(b) ?? null) : null;
    }
    return layers.assetOfPick(info.pickedMesh as Mesh, info.thinInstanceIndex);
  };
  const pickPoint = (x: number, y: number): { assetId: string | null; point: Vec3 } | null => {
    const info = scene.pick(x, y, pickable);
    if (info?.hit && info.pickedPoint) return { assetId: pickCss(x, y), point: worldToPark(info.pickedPoint) };
    const ray = scene.createPickingRay(x, y, null, rig.camera);
    const g = rayGround(ray.origin, ray.direction);
    return g ? { assetId: null, point: worldToPark(g) } : null;
  };

  const hold = attachPressAndHold(canvas, {
    pick: (x, y) => pickPoint(x, y)?.point ?? null,
    onLaser: (p) => {
      o.onLaser?.(p);
      markDirty();
    },
    onGesture: () => o.onGesture?.(),
    // While the laser is held the camera must not orbit with that pointer.
    onHoldStart: () => rig.camera.detachControl(),
    onHoldEnd: () => rig.camera.attachControl(canvas, true),
  });
  scene.onPointerObservable.add((pi) => {
    if (pi.type === PointerEventTypes.POINTERDOWN) hold.pressed();
    if (pi.type !== PointerEventTypes.POINTERTAP || hold.consumeTap()) return;
    o.onPick(pickCss(scene.pointerX, scene.pointerY), { x: scene.pointerX, y: scene.pointerY });
  });

  const collab = o.pinLayer ? createCollabLayer(scene, o.pinLayer, (id) => o.onPinClick?.(id)) : null;

  let last = performance.now();
  engine.runRenderLoop(() => {
    const now = performance.now();
    const dt = now - last;
    last = now;
    rig.tick(dt);
    const c = rig.camera;
    const moving =
      c.inertialAlphaOffset !== 0 ||
      c.inertialBetaOffset !== 0 ||
      c.inertialRadiusOffset !== 0 ||
      c.inertialPanningX !== 0 ||
      c.inertialPanningY !== 0 ||
      rig.animating();
    if (!moving && dirtyFrames <= 0) return;
    scene.render();
    dirtyFrames--;
    if (labelsDirty) {
      labelsDirty = false;
      labels.update(scene.getTransformMatrix(), canvas.clientWidth, canvas.clientHeight);
      collab?.update(scene.getTransformMatrix(), canvas.clientWidth, canvas.clientHeight, c.position);
    }
  });

  const resize = new ResizeObserver(() => {
    engine.resize();
    markDirty();
    labelsDirty = true;
  });
  resize.observe(canvas);

  // Batched recolouring: collect changed assets, flush at most every RECOLOUR_INTERVAL_MS.
  const assetOfPowerPoint = new Map<number, string>();
  for (const r of o.refs.values()) assetOfPowerPoint.set(r.pointId, r.assetId);
  const pending = new Set<string>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    flushTimer = undefined;
    if (pending.size === 0) return;
    layers.recolour(o.values, pending);
    pending.clear();
    markDirty();
  };

  // The top centre of an asset's first piece: always on the asset (the middle of a group,
  // e.g. the battery's four containers, can be a gap).
  const world = (assetId: string) => {
    const s = layers.specsOf(assetId)[0];
    return s ? new Vector3(s.centre.x, s.centre.y + s.size.y / 2, s.centre.z) : null;
  };

  const overlayChanged = () => {
    labelsDirty = true;
    markDirty();
  };

  return {
    scene,
    engine,
    pads,
    pickPoint,
    assetTop(assetId) {
      const w = world(assetId);
      return w ? worldToPark(w) : null;
    },
    view: () => viewOfOrbit(rig.orbit(), rig.camera.fov),
    flyTo(view) {
      rig.flyTo(orbitOfView(view));
      markDirty();
    },
    follow(view) {
      rig.follow(view ? orbitOfView(view) : null);
      markDirty();
    },
    setPins(pins) {
      collab?.setPins(pins);
      overlayChanged();
    },
    setPeers(peers) {
      collab?.setPeers(peers);
      overlayChanged();
    },
    setLasers(lasers) {
      collab?.setLasers(lasers);
      overlayChanged();
    },
    highlight(assetId) {
      presenterMarker.show(assetId ? layers.specsOf(assetId) : null);
      markDirty();
    },
    pinAt: (id) => collab?.pinAt(id) ?? null,
    select(assetId, focus) {
      const framed = marker.show(assetId ? layers.specsOf(assetId) : null);
      markDirty();
      if (framed && focus) rig.focus({ x: framed.centre[0], y: framed.centre[1], z: framed.centre[2] }, framed.sizeM);
      return framed !== null;
    },
    markChanged(pointIds) {
      for (const id of pointIds) {
        const a = assetOfPowerPoint.get(id);
        if (a) pending.add(a);
      }
      if (pending.size > 0 && flushTimer === undefined) flushTimer = setTimeout(flush, RECOLOUR_INTERVAL_MS);
    },
    overview: (animate) => {
      rig.overview(animate);
      markDirty();
    },
    setBottomInset(px) {
      rig.setBottomInset(px / Math.max(canvas.clientHeight, 1));
      markDirty();
    },
    setLabels(list) {
      labels.setLabels(list);
      labelsDirty = true;
      markDirty();
    },
    setEnterpriseColours(hexOfEnterprise, fallbackHex = '#4b515a') {
      buildings.recolour(hexOfEnterprise ? (b) => (b.enterpriseId && hexOfEnterprise.get(b.enterpriseId)) || fallbackHex : null);
      markDirty();
    },
    projectAsset(assetId) {
      const w = world(assetId);
      if (!w) return null;
      const p = Vector3.TransformCoordinates(w, scene.getTransformMatrix());
      if (p.z < 0 || p.z > 1) return null;
      const x = ((p.x + 1) / 2) * canvas.clientWidth;
      const y = ((1 - p.y) / 2) * canvas.clientHeight;
      return x >= 0 && y >= 0 && x <= canvas.clientWidth && y <= canvas.clientHeight ? { x, y } : null;
    },
    // scene.pick takes CSS pixels (it applies the hardware scaling itself).
    pickAt: (x, y) => pickCss(x, y),
    dispose() {
      clearTimeout(flushTimer);
      resize.disconnect();
      for (const type of INPUT_EVENTS) canvas.removeEventListener(type, kick);
      hold.dispose();
      collab?.dispose();
      labels.dispose();
      engine.stopRenderLoop();
      scene.dispose();
      engine.dispose();
    },
  };
}
