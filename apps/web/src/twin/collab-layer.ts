import type { AnnotationCategory, AnnotationStatus, CameraView, Vec3 } from '@zcp/model';
import { Color3, CreateLineSystem, CreateSphere, type LinesMesh, type Mesh, type Scene, StandardMaterial, Vector3 } from './babylon.js';
import { parkToWorld, type XYZ } from './coords.js';
import { frustumDepthM, frustumOf, frustumSegments } from './frustum.js';
import { CATEGORY_HEX, pinSizePx, pinZIndex, projectPoint, STATUS_GLYPH, STATUS_SHAPE } from './projection.js';

/** An annotation pin as the twin draws it. */
export interface PinSpec {
  id: string;
  world: XYZ;
  title: string;
  category: AnnotationCategory;
  status: AnnotationStatus;
  selected: boolean;
}

/** Another participant's camera. */
export interface PeerCameraSpec {
  clientId: number;
  name: string;
  color: string;
  view: CameraView;
}

/** A laser pointer: where it points, from whose eye (park frame). */
export interface LaserSpec {
  clientId: number;
  color: string;
  point: Vec3;
  from?: Vec3;
}

export interface CollabLayer {
  setPins(pins: PinSpec[]): void;
  setPeers(peers: PeerCameraSpec[]): void;
  setLasers(lasers: LaserSpec[]): void;
  /** Re-projects pins and name tags, resizes frustums and laser dots for the current camera. */
  update(vp: { m: ArrayLike<number> }, widthPx: number, heightPx: number, eye: XYZ): void;
  /** Pin positions on the canvas (CSS px), for tests. */
  pinAt(id: string): { x: number; y: number } | null;
  dispose(): void;
}

const PIN_MARGIN_PX = 24;
/** Laser dot radius as a share of its distance from the viewer: about 10 px on a 900 px tall view. */
const LASER_DOT_SHARE = 0.01;

/**
 * Pins, remote cameras and laser pointers. Pins are HTML over the canvas (fixed pixel size,
 * crisp text, clickable, in the DOM for tests); cameras and lasers are meshes in the scene.
 */
export function createCollabLayer(scene: Scene, container: HTMLElement, onPinClick: (id: string) => void): CollabLayer {
  const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  const pins = new Map<string, { spec: PinSpec; el: HTMLButtonElement; at: { x: number; y: number } | null }>();
  const peers = new Map<number, { spec: PeerCameraSpec; mesh: LinesMesh | null; tag: HTMLDivElement; depth: number }>();
  const lasers = new Map<number, { spec: LaserSpec; dot: Mesh; ray: LinesMesh | null }>();
  const materials = new Map<string, StandardMaterial>();
  const material = (hex: string) => {
    let m = materials.get(hex);
    if (!m) {
      m = new StandardMaterial(`laser-${hex}`, scene);
      m.emissiveColor = Color3.FromHexString(hex);
      m.diffuseColor = Color3.Black();
      m.disableLighting = true;
      materials.set(hex, m);
    }
    return m;
  };

  const drawPin = (el: HTMLButtonElement, s: PinSpec) => {
    const size = pinSizePx({ selected: s.selected, coarsePointer: coarse });
    el.className = `twin-pin shape-${STATUS_SHAPE[s.status]} status-${s.status}${s.selected ? ' selected' : ''}`;
    el.style.setProperty('--pin', CATEGORY_HEX[s.category]);
    el.style.setProperty('--size', `${size}px`);
    el.dataset.annotationId = s.id;
    el.dataset.status = s.status;
    el.dataset.category = s.category;
    el.title = s.title;
    el.setAttribute('aria-label', s.title);
    const glyph = el.firstElementChild as HTMLElement;
    glyph.textContent = STATUS_GLYPH[s.status];
  };

  const setPins = (list: PinSpec[]) => {
    const keep = new Set(list.map((p) => p.id));
    for (const [id, p] of pins) {
      if (!keep.has(id)) {
        p.el.remove();
        pins.delete(id);
      }
    }
    for (const spec of list) {
      let p = pins.get(spec.id);
      if (!p) {
        const el = document.createElement('button');
        el.type = 'button';
        el.dataset.testid = 'annotation-pin';
        el.appendChild(document.createElement('span'));
        el.addEventListener('click', (e) => {
          e.stopPropagation();
          onPinClick(spec.id);
        });
        container.appendChild(el);
        p = { spec, el, at: null };
        pins.set(spec.id, p);
      }
      p.spec = spec;
      drawPin(p.el, spec);
    }
  };

  const buildFrustum = (spec: PeerCameraSpec, depth: number, old: LinesMesh | null): LinesMesh => {
    const segs = frustumSegments(frustumOf(spec.view, { depthM: depth }));
    const lines = segs.map(([a, b]) => [new Vector3(a.x, a.y, a.z), new Vector3(b.x, b.y, b.z)]);
    const mesh = old
      ? CreateLineSystem(`peer-${spec.clientId}`, { lines, instance: old })
      : CreateLineSystem(`peer-${spec.clientId}`, { lines, updatable: true }, scene);
    mesh.color = Color3.FromHexString(spec.color);
    mesh.isPickable = false;
    return mesh;
  };

  const setPeers = (list: PeerCameraSpec[]) => {
    const keep = new Set(list.map((p) => p.clientId));
    for (const [id, p] of peers) {
      if (!keep.has(id)) {
        p.mesh?.dispose();
        p.tag.remove();
        peers.delete(id);
      }
    }
    for (const spec of list) {
      let p = peers.get(spec.clientId);
      if (!p) {
        const tag = document.createElement('div');
        tag.className = 'twin-peer-tag';
        tag.dataset.testid = 'peer-camera';
        container.appendChild(tag);
        p = { spec, mesh: null, tag, depth: 0 };
        peers.set(spec.clientId, p);
      }
      p.spec = spec;
      p.tag.textContent = spec.name;
      p.tag.style.setProperty('--peer', spec.color);
      p.tag.dataset.clientId = String(spec.clientId);
      // Redrawn at the viewer's distance on the next update.
      p.depth = 0;
    }
  };

  const setLasers = (list: LaserSpec[]) => {
    const keep = new Set(list.map((l) => l.clientId));
    for (const [id, l] of lasers) {
      if (!keep.has(id)) {
        l.dot.dispose();
        l.ray?.dispose();
        lasers.delete(id);
      }
    }
    for (const spec of list) {
      let l = lasers.get(spec.clientId);
      if (!l) {
        const dot = CreateSphere(`laser-${spec.clientId}`, { diameter: 2, segments: 8 }, scene);
        dot.isPickable = false;
        l = { spec, dot, ray: null };
        lasers.set(spec.clientId, l);
      }
      l.spec = spec;
      l.dot.material = material(spec.color);
      const p = parkToWorld(spec.point);
      l.dot.position.set(p.x, p.y, p.z);
      if (spec.from) {
        const f = parkToWorld(spec.from);
        const lines = [[new Vector3(f.x, f.y, f.z), new Vector3(p.x, p.y, p.z)]];
        l.ray = l.ray ? CreateLineSystem('laser-ray', { lines, instance: l.ray }) : CreateLineSystem('laser-ray', { lines, updatable: true }, scene);
        l.ray.color = Color3.FromHexString(spec.color);
        l.ray.alpha = 0.7;
        l.ray.isPickable = false;
      } else {
        l.ray?.dispose();
        l.ray = null;
      }
    }
  };

  const dist = (a: XYZ, b: XYZ) => Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);

  return {
    setPins,
    setPeers,
    setLasers,
    update(vp, width, height, eye) {
      for (const p of pins.values()) {
        const s = projectPoint(vp.m, p.spec.world, width, height, PIN_MARGIN_PX);
        p.el.style.visibility = s.visible ? 'visible' : 'hidden';
        p.at = s.visible ? { x: s.x, y: s.y } : null;
        if (!s.visible) continue;
        // The pin's tip (bottom centre) sits on the anchor.
        p.el.style.transform = `translate(${Math.round(s.x)}px, ${Math.round(s.y)}px) translate(-50%, -100%)`;
        p.el.style.zIndex = String(pinZIndex(s.depth, p.spec.selected));
      }
      for (const p of peers.values()) {
        const apex = parkToWorld(p.spec.view.position);
        const depth = frustumDepthM(dist(apex, eye));
        // Rebuild only when the size on screen would change noticeably.
        if (!p.mesh || Math.abs(depth - p.depth) > p.depth * 0.1) {
          p.mesh = buildFrustum(p.spec, depth, p.mesh);
          p.depth = depth;
        }
        const s = projectPoint(vp.m, apex, width, height);
        p.tag.style.visibility = s.visible ? 'visible' : 'hidden';
        if (s.visible) p.tag.style.transform = `translate(${Math.round(s.x)}px, ${Math.round(s.y)}px) translate(-50%, -130%)`;
      }
      for (const l of lasers.values()) {
        const r = Math.max(0.3, dist(l.dot.position, eye) * LASER_DOT_SHARE);
        l.dot.scaling.set(r, r, r);
      }
    },
    pinAt: (id) => pins.get(id)?.at ?? null,
    dispose() {
      for (const p of pins.values()) p.el.remove();
      for (const p of peers.values()) {
        p.mesh?.dispose();
        p.tag.remove();
      }
      for (const l of lasers.values()) {
        l.dot.dispose();
        l.ray?.dispose();
      }
      for (const m of materials.values()) m.dispose();
      pins.clear();
      peers.clear();
      lasers.clear();
    },
  };
}
