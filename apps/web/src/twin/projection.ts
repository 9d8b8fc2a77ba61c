import type { AnnotationCategory, AnnotationStatus } from '@zcp/model';
import type { XYZ } from './coords.js';

/** A point projected onto the canvas: CSS pixels from its top-left, and whether it is drawn. */
export interface ScreenPoint {
  x: number;
  y: number;
  /** Normalised depth, 0 near … 1 far. */
  depth: number;
  /** In front of the camera and inside the canvas (with a margin). */
  visible: boolean;
}

/**
 * Projects a world point with a view-projection matrix laid out as Babylon's `Matrix.m`
 * (row vectors: x' = x·m0 + y·m4 + z·m8 + m12, w = x·m3 + y·m7 + z·m11 + m15).
 *
 * @example
 * projectPoint(scene.getTransformMatrix().m, { x: 0, y: 10, z: 0 }, canvas.clientWidth, canvas.clientHeight)
 */
export function projectPoint(m: ArrayLike<number>, p: XYZ, widthPx: number, heightPx: number, marginPx = 0): ScreenPoint {
  const at = (i: number) => m[i] as number;
  const w = p.x * at(3) + p.y * at(7) + p.z * at(11) + at(15);
  const cx = p.x * at(0) + p.y * at(4) + p.z * at(8) + at(12);
  const cy = p.x * at(1) + p.y * at(5) + p.z * at(9) + at(13);
  const cz = p.x * at(2) + p.y * at(6) + p.z * at(10) + at(14);
  if (w <= 1e-9) return { x: Number.NaN, y: Number.NaN, depth: Number.POSITIVE_INFINITY, visible: false };
  const x = ((cx / w + 1) / 2) * widthPx;
  const y = ((1 - cy / w) / 2) * heightPx;
  const depth = cz / w;
  const visible = depth >= 0 && depth <= 1 && x >= -marginPx && y >= -marginPx && x <= widthPx + marginPx && y <= heightPx + marginPx;
  return { x, y, depth, visible };
}

/** Pin size on screen, CSS pixels: the same at every zoom, a little bigger when selected or on a touch screen. */
export function pinSizePx(opts: { selected: boolean; coarsePointer: boolean }): number {
  const base = opts.coarsePointer ? 34 : 28;
  return opts.selected ? Math.round(base * 1.25) : base;
}

/** Category colours (fill of a pin): distinct in hue and for colour-blind viewers by the status glyph too. */
export const CATEGORY_HEX: Record<AnnotationCategory, string> = {
  defect: '#ef4444',
  question: '#a855f7',
  action: '#f59e0b',
  observation: '#38bdf8',
};

/** Status glyph drawn inside a pin: open (!), in progress (…), resolved (✓). */
export const STATUS_GLYPH: Record<AnnotationStatus, string> = {
  open: '!',
  in_progress: '…',
  resolved: '✓',
};

/** Pin shape by status: open pins are round, in-progress diamonds, resolved ones squares (and faded). */
export const STATUS_SHAPE: Record<AnnotationStatus, 'round' | 'diamond' | 'square'> = {
  open: 'round',
  in_progress: 'diamond',
  resolved: 'square',
};

/**
 * Stacking order of pins: nearer pins over farther ones, the selected pin over all.
 * Returns a CSS z-index (positive integer).
 */
export function pinZIndex(depth: number, selected: boolean): number {
  if (selected) return 100_000;
  const d = Math.min(Math.max(depth, 0), 1);
  return 1 + Math.round((1 - d) * 90_000);
}
