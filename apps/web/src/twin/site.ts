import type { Building, ParkIndex } from '@zcp/model';
import { Color3, Color4, CreateGround, CreateLineSystem, Mesh, type Scene, StandardMaterial, Vector3, VertexData } from './babylon.js';
import { hexToRgb } from './color-scale.js';
import type { PlanBounds } from './coords.js';
import { appendPrism, type PrismGeometry } from './extrude.js';
import type { InstanceSpec } from './layout.js';

const GROUND_HEX = '#1c242e';
const PAD_MARGIN_M = 10;

/** A plot pad: an enterprise's site (or the park's utility yard) as drawn on the ground. */
export interface Pad extends PlanBounds {
  enterpriseId: string | null;
  colorHex: string;
  topM: number;
}

/** Pads from what stands on them: buildings and asset instances, plus a margin. */
export function computePads(index: ParkIndex, layout: Map<string, InstanceSpec[]>): Pad[] {
  const acc = new Map<string | null, Pad>();
  const grow = (key: string | null, x: number, y: number, top: number) => {
    const color = key ? (index.enterpriseById.get(key)?.color ?? '#7a8a99') : '#7a8a99';
    const p = acc.get(key) ?? { enterpriseId: key, colorHex: color, minX: x, minY: y, maxX: x, maxY: y, topM: top };
    acc.set(key, p);
    p.minX = Math.min(p.minX, x);
    p.minY = Math.min(p.minY, y);
    p.maxX = Math.max(p.maxX, x);
    p.maxY = Math.max(p.maxY, y);
    p.topM = Math.max(p.topM, top);
  };
  for (const b of index.park.buildings) {
    for (const [x, y] of b.footprint) grow(b.enterpriseId, x, y, b.heightM);
  }
  for (const specs of layout.values()) {
    for (const s of specs) {
      const a = index.assetById.get(s.assetId);
      if (!a) continue;
      grow(a.enterpriseId, s.centre.x - s.size.x / 2, s.centre.z - s.size.z / 2, s.centre.y + s.size.y / 2);
      grow(a.enterpriseId, s.centre.x + s.size.x / 2, s.centre.z + s.size.z / 2, s.centre.y + s.size.y / 2);
    }
  }
  return [...acc.values()].map((p) => ({
    ...p,
    minX: p.minX - PAD_MARGIN_M,
    minY: p.minY - PAD_MARGIN_M,
    maxX: p.maxX + PAD_MARGIN_M,
    maxY: p.maxY + PAD_MARGIN_M,
  }));
}

const mix = (hex: string, toward: readonly number[], f: number): Color3 => {
  const c = hexToRgb(hex);
  return new Color3(c[0] + ((toward[0] as number) - c[0]) * f, c[1] + ((toward[1] as number) - c[1]) * f, c[2] + ((toward[2] as number) - c[2]) * f);
};

/** Asphalt ground, tinted plot pads with outlines, and dashed road centre lines in the gaps. */
export function createGround(scene: Scene, index: ParkIndex, pads: Pad[]): void {
  const [x0, y0, x1, y1] = index.park.bounds;
  const all = pads.reduce(
    (r, p) => ({ minX: Math.min(r.minX, p.minX), minY: Math.min(r.minY, p.minY), maxX: Math.max(r.maxX, p.maxX), maxY: Math.max(r.maxY, p.maxY) }),
    { minX: x0, minY: y0, maxX: x1, maxY: y1 },
  );
  const margin = 40;
  const ground = CreateGround('ground', { width: all.maxX - all.minX + 2 * margin, height: all.maxY - all.minY + 2 * margin }, scene);
  ground.position.set((all.minX + all.maxX) / 2, 0, (all.minY + all.maxY) / 2);
  const gm = new StandardMaterial('ground-mat', scene);
  gm.diffuseColor = Color3.FromHexString(GROUND_HEX);
  gm.specularColor = Color3.Black();
  ground.material = gm;
  ground.isPickable = false;
  ground.freezeWorldMatrix();

  // Pads: one merged mesh, vertex-coloured per enterprise.
  const geo: PrismGeometry = { positions: [], normals: [], indices: [] };
  const colors: number[] = [];
  const lines: Vector3[][] = [];
  const lineColors: Color4[][] = [];
  const grey = hexToRgb('#2a3441');
  for (const p of pads) {
    const before = geo.positions.length / 3;
    appendPrism(
      geo,
      [
        [p.minX, p.minY],
        [p.maxX, p.minY],
        [p.maxX, p.maxY],
        [p.minX, p.maxY],
      ],
      0,
      0.08,
    );
    const c = mix(p.colorHex, grey, 0.9);
    for (let v = before; v < geo.positions.length / 3; v++) colors.push(c.r, c.g, c.b, 1);
    const y = 0.12;
    const ring = [
      new Vector3(p.minX, y, p.minY),
      new Vector3(p.maxX, y, p.minY),
      new Vector3(p.maxX, y, p.maxY),
      new Vector3(p.minX, y, p.maxY),
      new Vector3(p.minX, y, p.minY),
    ];
    lines.push(ring);
    const oc = mix(p.colorHex, [1, 1, 1], 0.25);
    lineColors.push(ring.map(() => new Color4(oc.r, oc.g, oc.b, 1)));
  }
  const padMesh = new Mesh('pads', scene);
  const vd = new VertexData();
  vd.positions = geo.positions;
  vd.normals = geo.normals;
  vd.indices = geo.indices;
  vd.colors = colors;
  vd.applyToMesh(padMesh);
  const pm = new StandardMaterial('pad-mat', scene);
  pm.specularColor = Color3.Black();
  padMesh.material = pm;
  padMesh.isPickable = false;
  padMesh.freezeWorldMatrix();

  // Parking bays in front of the EV chargers, so the lot reads as one.
  for (const a of index.park.assets) {
    if (a.kind !== 'ev_charger') continue;
    const [x0b, x1b, z0b, z1b, yb] = [a.position.x - 1.5, a.position.x + 1.5, a.position.y - 3.2, a.position.y + 2.2, 0.1];
    lines.push([new Vector3(x0b, yb, z1b), new Vector3(x0b, yb, z0b), new Vector3(x1b, yb, z0b), new Vector3(x1b, yb, z1b)]);
    lineColors.push(Array.from({ length: 4 }, () => new Color4(0.75, 0.8, 0.85, 1)));
  }

  // Road centre lines: dashed, half-way across each gap between neighbouring pads.
  const dash = 6;
  const dashLine = (ax: number, az: number, bx: number, bz: number) => {
    const len = Math.hypot(bx - ax, bz - az);
    for (let s = 0; s + dash <= len; s += dash * 2) {
      const f0 = s / len;
      const f1 = (s + dash) / len;
      lines.push([new Vector3(ax + (bx - ax) * f0, 0.1, az + (bz - az) * f0), new Vector3(ax + (bx - ax) * f1, 0.1, az + (bz - az) * f1)]);
      lineColors.push([new Color4(0.85, 0.78, 0.45, 1), new Color4(0.85, 0.78, 0.45, 1)]);
    }
  };
  for (const a of pads) {
    const right = pads.filter((b) => b.minX >= a.maxX - 1 && b.minY < a.maxY && b.maxY > a.minY).sort((p, q) => p.minX - q.minX)[0];
    if (right && right.minX - a.maxX > 6) {
      const x = (a.maxX + right.minX) / 2;
      dashLine(x, Math.max(a.minY, right.minY), x, Math.min(a.maxY, right.maxY));
    }
    const up = pads.filter((b) => b.minY >= a.maxY - 1 && b.minX < a.maxX && b.maxX > a.minX).sort((p, q) => p.minY - q.minY)[0];
    if (up && up.minY - a.maxY > 6) {
      const z = (a.maxY + up.minY) / 2;
      dashLine(Math.max(a.minX, up.minX), z, Math.min(a.maxX, up.maxX), z);
    }
  }
  const ls = CreateLineSystem('plot-lines', { lines, colors: lineColors }, scene);
  ls.isPickable = false;
  ls.freezeWorldMatrix();
}

/** Buildings as one merged, vertex-coloured mesh; `buildingOfFace` maps a picked face back. */
/** The colour a building takes: its tenant's by default, or one the caller picks (e.g. carbon intensity). */
export type BuildingHexOf = (building: Building) => string;

export function createBuildings(
  scene: Scene,
  index: ParkIndex,
): { mesh: Mesh; buildingOfFace(faceId: number): string | null; recolour(hexOf: BuildingHexOf | null): void } {
  const geo: PrismGeometry = { positions: [], normals: [], indices: [] };
  const faceEnds: { end: number; id: string }[] = [];
  const vertexRanges: { building: Building; start: number; end: number }[] = [];
  for (const b of index.park.buildings) {
    const before = geo.positions.length / 3;
    appendPrism(geo, b.footprint, 0, b.heightM);
    vertexRanges.push({ building: b, start: before, end: geo.positions.length / 3 });
    faceEnds.push({ end: geo.indices.length / 3, id: b.id });
  }
  const tenantHex: BuildingHexOf = (b) => (b.enterpriseId && index.enterpriseById.get(b.enterpriseId)?.color) || '#7a8a99';
  // Tenant colours are softened toward concrete; a data colour (carbon) stays close to its scale.
  const colours = (hexOf: BuildingHexOf, soften: number): number[] => {
    const colors: number[] = [];
    for (const { building, start, end } of vertexRanges) {
      const hex = hexOf(building);
      const wall = mix(hex, [0.55, 0.6, 0.66], 0.35 * soften);
      const roof = mix(hex, [0.85, 0.88, 0.9], 0.55 * soften);
      for (let v = start; v < end; v++) {
        const c = geo.normals[v * 3 + 1] === 1 ? roof : wall;
        colors.push(c.r, c.g, c.b, 1);
      }
    }
    return colors;
  };
  const mesh = new Mesh('buildings', scene);
  const vd = new VertexData();
  vd.positions = geo.positions;
  vd.normals = geo.normals;
  vd.indices = geo.indices;
  vd.colors = colours(tenantHex, 1);
  vd.applyToMesh(mesh, true);
  const mat = new StandardMaterial('building-mat', scene);
  mat.specularColor = new Color3(0.08, 0.08, 0.08);
  mesh.material = mat;
  mesh.freezeWorldMatrix();
  // Dark outlines keep neighbouring blocks of one tenant colour apart.
  mesh.enableEdgesRendering(0.95);
  mesh.edgesWidth = 1.2;
  mesh.edgesColor = new Color4(0.05, 0.07, 0.1, 0.55);
  const buildingOfFace = (faceId: number): string | null => {
    for (const f of faceEnds) if (faceId < f.end) return f.id;
    return null;
  };
  // Colour modes swap the whole colour buffer: a few hundred buildings, once a minute at most.
  const recolour = (hexOf: BuildingHexOf | null) => mesh.updateVerticesData('color', hexOf ? colours(hexOf, 0.3) : colours(tenantHex, 1));
  return { mesh, buildingOfFace, recolour };
}
