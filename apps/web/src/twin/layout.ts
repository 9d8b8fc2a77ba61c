import type { Asset, AssetKind, Building, ParkIndex } from '@zcp/model';
import { type PlanBounds, parkToWorld, polygonBounds, type XYZ } from './coords.js';

/** One drawn piece of an asset: a unit shape scaled to `size` (world metres) at `centre`. */
export interface InstanceSpec {
  assetId: string;
  centre: XYZ;
  size: XYZ;
  /** Rotation about the east (x) axis, radians; PV rows tilt to face south. */
  tiltX: number;
}

export type ShapeKind = 'box' | 'cylinder';

/** The unit shape each asset kind is drawn with (one thin-instanced mesh per kind). */
export const SHAPE_OF_KIND: Readonly<Record<AssetKind, ShapeKind>> = {
  grid_meter: 'box',
  sub_meter: 'box',
  pv_inverter: 'box',
  battery: 'box',
  ev_charger: 'box',
  gas_boiler: 'box',
  chiller: 'cylinder',
  production_line: 'box',
  building_load: 'box',
  heat_meter: 'cylinder',
  green_line_meter: 'box',
};

const PV_ROW_PITCH_M = 3.4;
const PV_PANEL_DEPTH_M = 2.2;
const ROOF_CLEARANCE_M = 0.15;

/** Plan box of a building (the twin draws footprints exactly; placement only needs the box). */
export interface BuildingBox extends PlanBounds {
  cx: number;
  cy: number;
  w: number;
  d: number;
  h: number;
}

export function buildingBox(b: Building): BuildingBox {
  const r = polygonBounds(b.footprint);
  return { ...r, cx: (r.minX + r.maxX) / 2, cy: (r.minY + r.maxY) / 2, w: r.maxX - r.minX, d: r.maxY - r.minY, h: b.heightM };
}

const spec = (assetId: string, px: number, py: number, baseZ: number, sx: number, sy: number, height: number, tiltX = 0): InstanceSpec => {
  const c = parkToWorld({ x: px, y: py, z: baseZ + height / 2 });
  return { assetId, centre: c, size: { x: sx, y: height, z: sy }, tiltX };
};

/** PV rows of one inverter: its share of the roof's northern part, rows facing south. */
function pvRows(a: Asset, box: BuildingBox | undefined, sharesOnRoof: number): InstanceSpec[] {
  const tilt = ((a.rating.tiltDeg ?? 15) * Math.PI) / 180;
  if (!box) return [spec(a.id, a.position.x, a.position.y, a.position.z, 12, PV_PANEL_DEPTH_M, 0.12, tilt)];
  const width = ((0.6 * box.w) / sharesOnRoof) * 0.92;
  const y0 = box.cy - 0.02 * box.d;
  const y1 = box.cy + 0.44 * box.d;
  const rows = Math.max(1, Math.floor((y1 - y0) / PV_ROW_PITCH_M));
  const out: InstanceSpec[] = [];
  for (let r = 0; r < rows; r++) {
    const y = y0 + PV_ROW_PITCH_M * (r + 0.5);
    out.push(spec(a.id, a.position.x, y, box.h + ROOF_CLEARANCE_M + 0.4, width, PV_PANEL_DEPTH_M, 0.1, tilt));
  }
  return out;
}

/**
 * Where and how big every asset is drawn, grouped by kind. Interior equipment (production
 * lines, building services) is shown as rooftop units above where it stands, so the twin
 * can colour it without see-through buildings.
 *
 * @example
 * layoutAssets(index).get('ev_charger')?.length // 20
 */
export function layoutAssets(index: ParkIndex): Map<AssetKind, InstanceSpec[]> {
  const boxes = new Map<string, BuildingBox>();
  for (const b of index.park.buildings) boxes.set(b.id, buildingBox(b));
  const pvPerBuilding = new Map<string, number>();
  const linesPerBuilding = new Map<string, number>();
  for (const a of index.park.assets) {
    if (!a.buildingId) continue;
    if (a.kind === 'pv_inverter') pvPerBuilding.set(a.buildingId, (pvPerBuilding.get(a.buildingId) ?? 0) + 1);
    if (a.kind === 'production_line') linesPerBuilding.set(a.buildingId, (linesPerBuilding.get(a.buildingId) ?? 0) + 1);
  }
  const out = new Map<AssetKind, InstanceSpec[]>();
  const push = (kind: AssetKind, specs: InstanceSpec[]) => {
    const list = out.get(kind) ?? [];
    list.push(...specs);
    out.set(kind, list);
  };
  for (const a of index.park.assets) {
    const box = a.buildingId ? boxes.get(a.buildingId) : undefined;
    const { x, y, z } = a.position;
    switch (a.kind) {
      case 'pv_inverter':
        push(a.kind, pvRows(a, box, (a.buildingId && pvPerBuilding.get(a.buildingId)) || 1));
        break;
      case 'production_line': {
        const n = (a.buildingId && linesPerBuilding.get(a.buildingId)) || 1;
        if (box) push(a.kind, [spec(a.id, x, box.cy - 0.2 * box.d, box.h + ROOF_CLEARANCE_M, ((0.7 * box.w) / n) * 0.55, 0.3 * box.d, 1.6)]);
        else push(a.kind, [spec(a.id, x, y, z, 6, 12, 3)]);
        break;
      }
      case 'building_load':
        if (box) push(a.kind, [spec(a.id, box.cx - 0.4 * box.w, box.cy + 0.22 * box.d, box.h + ROOF_CLEARANCE_M, 0.12 * box.w, 0.3 * box.d, 2.4)]);
        else push(a.kind, [spec(a.id, x, y, z, 6, 6, 3)]);
        break;
      case 'chiller':
        push(a.kind, [spec(a.id, x + 2, y, 0, 5, 5, 4.2)]);
        break;
      case 'sub_meter':
        push(a.kind, [spec(a.id, x + (box ? -1.4 : 1.4), y + (box ? -1.4 : 1.4), 0, 1.6, 1.1, 2.2)]);
        break;
      case 'heat_meter':
      case 'green_line_meter':
        // The enterprise's intake cabinet beside its main meter (steam station / line bay).
        push(a.kind, [spec(a.id, x + 1.4, y + 1.4, 0, 2.4, 1.6, 2.6)]);
        break;
      case 'ev_charger':
        push(a.kind, [spec(a.id, x, y + 2.6, 0, 0.9, 0.6, 1.9)]);
        break;
      case 'battery':
        push(a.kind, [
          spec(a.id, x - 7, y, 0, 12.2, 2.5, 2.9),
          spec(a.id, x + 7, y, 0, 12.2, 2.5, 2.9),
          spec(a.id, x - 7, y + 6, 0, 12.2, 2.5, 2.9),
          spec(a.id, x + 7, y + 6, 0, 12.2, 2.5, 2.9),
        ]);
        break;
      case 'gas_boiler':
        push(a.kind, [spec(a.id, x, y, 0, 22, 14, 8), spec(a.id, x + 8, y + 4, 0, 2.2, 2.2, 24)]);
        break;
      case 'grid_meter':
        push(a.kind, [spec(a.id, x - 6, y, 0, 8, 6, 5), spec(a.id, x + 6, y, 0, 8, 6, 5), spec(a.id, x, y - 8, 0, 20, 3, 3)]);
        break;
    }
  }
  return out;
}
