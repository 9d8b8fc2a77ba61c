import { Color3, Color4, CreateBox, CreateCylinder, type Mesh, type Scene, StandardMaterial } from './babylon.js';
import type { InstanceSpec } from './layout.js';

const MARK_HEX = '#00e5ff';

export interface SelectionMarker {
  /** Frames the given pieces (one asset); `null` hides the marker. */
  show(specs: InstanceSpec[] | null): { centre: [number, number, number]; sizeM: number } | null;
}

/** An outlined box around the selected asset and a beacon above it, visible from afar (in `hex`: another colour marks a presenter's selection). */
export function createSelectionMarker(scene: Scene, hex: string = MARK_HEX): SelectionMarker {
  const mat = new StandardMaterial('mark-mat', scene);
  mat.emissiveColor = Color3.FromHexString(hex);
  mat.diffuseColor = Color3.Black();
  mat.alpha = 0.18;
  mat.disableLighting = true;
  const box: Mesh = CreateBox('mark-box', { size: 1 }, scene);
  box.material = mat;
  box.enableEdgesRendering();
  box.edgesWidth = 6;
  box.edgesColor = Color4.FromHexString(`${hex}ff`);
  const beaconMat = new StandardMaterial('beacon-mat', scene);
  beaconMat.emissiveColor = Color3.FromHexString(hex);
  beaconMat.disableLighting = true;
  beaconMat.alpha = 0.75;
  const beacon: Mesh = CreateCylinder('mark-beacon', { height: 1, diameterTop: 0.6, diameterBottom: 2.4, tessellation: 10 }, scene);
  beacon.material = beaconMat;
  for (const m of [box, beacon]) {
    m.isPickable = false;
    m.setEnabled(false);
  }

  return {
    show(specs) {
      if (!specs || specs.length === 0) {
        box.setEnabled(false);
        beacon.setEnabled(false);
        return null;
      }
      let [x0, y0, z0, x1, y1, z1] = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
      for (const s of specs) {
        // Tilted panels poke out by at most half their depth; the padding covers it.
        x0 = Math.min(x0, s.centre.x - s.size.x / 2);
        x1 = Math.max(x1, s.centre.x + s.size.x / 2);
        y0 = Math.min(y0, s.centre.y - s.size.y / 2);
        y1 = Math.max(y1, s.centre.y + s.size.y / 2);
        z0 = Math.min(z0, s.centre.z - s.size.z / 2);
        z1 = Math.max(z1, s.centre.z + s.size.z / 2);
      }
      const pad = 1.2;
      const size = Math.max(x1 - x0, z1 - z0, y1 - y0);
      box.scaling.set(x1 - x0 + 2 * pad, y1 - y0 + 2 * pad, z1 - z0 + 2 * pad);
      box.position.set((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2);
      const beaconH = Math.max(14, size * 0.6);
      beacon.scaling.set(1, beaconH, 1);
      beacon.position.set((x0 + x1) / 2, y1 + pad + 2 + beaconH / 2, (z0 + z1) / 2);
      box.setEnabled(true);
      beacon.setEnabled(true);
      return { centre: [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2], sizeM: size };
    },
  };
}
