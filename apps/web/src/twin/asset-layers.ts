import type { AssetKind, ParkIndex } from '@zcp/model';
import type { PowerRef } from '../state/asset-power.js';
import type { LiveValue } from '../state/live-values.js';
import { Color3, CreateBox, CreateCylinder, Matrix, type Mesh, Quaternion, type Scene, StandardMaterial, Vector3 } from './babylon.js';
import { powerColour } from './color-scale.js';
import { type InstanceSpec, layoutAssets, SHAPE_OF_KIND } from './layout.js';

/** One thin-instanced mesh per asset kind; instance i belongs to `assetIds[i]`. */
export interface AssetLayer {
  kind: AssetKind;
  mesh: Mesh;
  specs: InstanceSpec[];
  colors: Float32Array;
}

export interface AssetLayers {
  layers: Map<AssetKind, AssetLayer>;
  /** Which asset a picked instance of `mesh` is. */
  assetOfPick(mesh: Mesh, thinInstanceIndex: number): string | null;
  /** The drawn pieces of an asset (for the selection marker and camera focus). */
  specsOf(assetId: string): InstanceSpec[];
  /** Recolours the given assets (or all) from live values; updates each touched GPU buffer once. */
  recolour(values: ReadonlyMap<number, LiveValue>, assetIds?: Iterable<string>): void;
}

/**
 * Builds the thin-instance layers. Colours come from a per-instance "color" buffer that
 * multiplies a white material, so a recolour is a Float32Array write and one buffer upload.
 */
export function createAssetLayers(scene: Scene, index: ParkIndex, refs: ReadonlyMap<string, PowerRef>): AssetLayers {
  const layout = layoutAssets(index);
  const layers = new Map<AssetKind, AssetLayer>();
  const byMesh = new Map<Mesh, AssetLayer>();
  const slots = new Map<string, { layer: AssetLayer; index: number }[]>();
  const material = new StandardMaterial('asset-mat', scene);
  material.diffuseColor = Color3.White();
  material.specularColor = new Color3(0.15, 0.15, 0.15);
  material.emissiveColor = new Color3(0.12, 0.12, 0.12);

  for (const [kind, specs] of layout) {
    const mesh =
      SHAPE_OF_KIND[kind] === 'cylinder'
        ? CreateCylinder(`asset-${kind}`, { height: 1, diameter: 1, tessellation: 14 }, scene)
        : CreateBox(`asset-${kind}`, { size: 1 }, scene);
    mesh.material = material;
    const matrices = new Float32Array(specs.length * 16);
    const m = new Matrix();
    specs.forEach((s, i) => {
      Matrix.ComposeToRef(
        new Vector3(s.size.x, s.size.y, s.size.z),
        Quaternion.RotationAxis(Vector3.Right(), s.tiltX),
        new Vector3(s.centre.x, s.centre.y, s.centre.z),
        m,
      );
      m.copyToArray(matrices, i * 16);
    });
    mesh.thinInstanceSetBuffer('matrix', matrices, 16, true);
    const colors = new Float32Array(specs.length * 4).fill(0.5);
    mesh.thinInstanceSetBuffer('color', colors, 4, false);
    mesh.thinInstanceEnablePicking = true;
    mesh.isPickable = true;
    // Thin instances spread over the site; skip per-frame culling of the one bounding box.
    mesh.alwaysSelectAsActiveMesh = true;
    const layer: AssetLayer = { kind, mesh, specs, colors };
    layers.set(kind, layer);
    byMesh.set(mesh, layer);
    specs.forEach((s, i) => {
      const list = slots.get(s.assetId) ?? [];
      list.push({ layer, index: i });
      slots.set(s.assetId, list);
    });
  }

  const recolour = (values: ReadonlyMap<number, LiveValue>, assetIds?: Iterable<string>) => {
    const touched = new Set<AssetLayer>();
    const ids = assetIds ?? slots.keys();
    for (const id of ids) {
      const ref = refs.get(id);
      const list = slots.get(id);
      if (!ref || !list) continue;
      const v = values.get(ref.pointId);
      const [r, g, b] = powerColour(ref.palette, v?.[1], ref.referenceKw, v?.[2]);
      for (const { layer, index: i } of list) {
        layer.colors.set([r, g, b, 1], i * 4);
        touched.add(layer);
      }
    }
    for (const layer of touched) layer.mesh.thinInstanceBufferUpdated('color');
  };

  return {
    layers,
    assetOfPick: (mesh, i) => byMesh.get(mesh)?.specs[i]?.assetId ?? null,
    specsOf: (assetId) => (slots.get(assetId) ?? []).map((s) => s.layer.specs[s.index] as InstanceSpec),
    recolour,
  };
}
