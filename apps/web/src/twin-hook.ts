import type { Engine } from '@babylonjs/core/Engines/engine.js';
import type { Scene } from '@babylonjs/core/scene.js';
import type { CameraView } from '@zcp/model';

/** Test and debugging handle on `window.__twin` (kept small and stable). */
export interface TwinHook {
  scene: Scene | null;
  engine: Engine | null;
  /** True once the scene has rendered with live colours. */
  ready: boolean;
  /** Selects an asset as a tap would, and glides the camera to it; false if unknown. */
  pickAsset(assetId: string): boolean;
  /** The selected asset id, or null. */
  selectedAssetId(): string | null;
  /** Where an asset is drawn, in viewport CSS pixels (for real taps in tests), or null. */
  projectAsset(assetId: string): { x: number; y: number } | null;
  /** What a tap at viewport CSS pixel (x, y) would select. */
  pickAt(x: number, y: number): string | null;
  /** The camera pose (park frame), as shared in presence; null before the scene is up. */
  cameraView(): CameraView | null;
  /** Glides the camera to a pose, as opening an annotation does. */
  flyTo(view: CameraView): void;
  /** Where an annotation's pin is drawn, in viewport CSS pixels, or null when hidden. */
  pinAt(annotationId: string): { x: number; y: number } | null;
}

declare global {
  interface Window {
    __twin?: TwinHook;
  }
}
