import { QUALITY_CODE } from '@zcp/model';
import type { Palette } from '../state/asset-power.js';

/** Linear RGB in 0..1 (what Babylon colour buffers take). */
export type RGB = readonly [r: number, g: number, b: number];

export interface ColourStop {
  /** |power| / reference, 0..1. */
  at: number;
  hex: string;
}

/** Below this share of the reference an asset counts as idle. */
export const IDLE_RATIO = 0.02;
export const IDLE_HEX = '#8b949e';
export const NO_DATA_HEX = '#4b515a';

/** The stops the legend draws and the twin interpolates; one table for both. */
export const PALETTE_STOPS: Readonly<Record<'load' | 'generation' | 'discharge' | 'charge', readonly ColourStop[]>> = {
  load: [
    { at: IDLE_RATIO, hex: '#3fbf7f' },
    { at: 0.5, hex: '#e3c84a' },
    { at: 0.8, hex: '#f2994a' },
    { at: 1, hex: '#e5484d' },
  ],
  generation: [
    { at: IDLE_RATIO, hex: '#2a5d8f' },
    { at: 0.45, hex: '#3cc0e0' },
    { at: 1, hex: '#ffe066' },
  ],
  discharge: [
    { at: IDLE_RATIO, hex: '#f9b35a' },
    { at: 1, hex: '#f07b1f' },
  ],
  charge: [
    { at: IDLE_RATIO, hex: '#7cc4ff' },
    { at: 1, hex: '#2f6fed' },
  ],
};

export function hexToRgb(hex: string): RGB {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** Interpolates between stops; clamps outside them. */
export function sampleStops(stops: readonly ColourStop[], t: number): RGB {
  const first = stops[0];
  if (!first) return hexToRgb(IDLE_HEX);
  if (t <= first.at) return hexToRgb(first.hex);
  for (let i = 1; i < stops.length; i++) {
    const a = stops[i - 1] as ColourStop;
    const b = stops[i] as ColourStop;
    if (t <= b.at) {
      const f = (t - a.at) / (b.at - a.at);
      const ca = hexToRgb(a.hex);
      const cb = hexToRgb(b.hex);
      return [ca[0] + (cb[0] - ca[0]) * f, ca[1] + (cb[1] - ca[1]) * f, ca[2] + (cb[2] - ca[2]) * f];
    }
  }
  return hexToRgb((stops[stops.length - 1] as ColourStop).hex);
}

/**
 * The colour of an asset working at `valueKw` against a full scale of `referenceKw`.
 * No value (or a bad/stale one) is dark grey; near zero is idle grey; the battery is blue
 * when charging (negative, by the product's sign convention) and orange when discharging.
 *
 * @example
 * powerColour('load', 450, 500) // near the red end
 */
export function powerColour(palette: Palette, valueKw: number | undefined, referenceKw: number, quality = 0): RGB {
  if (valueKw === undefined || !Number.isFinite(valueKw) || quality === QUALITY_CODE.bad || quality === QUALITY_CODE.stale) return hexToRgb(NO_DATA_HEX);
  const ratio = Math.abs(valueKw) / Math.max(referenceKw, 1e-9);
  if (ratio < IDLE_RATIO) return hexToRgb(IDLE_HEX);
  const stops = palette === 'battery' ? (valueKw > 0 ? PALETTE_STOPS.discharge : PALETTE_STOPS.charge) : PALETTE_STOPS[palette];
  return sampleStops(stops, Math.min(ratio, 1));
}

/** Top of the carbon-intensity scale, tCO2/tce: grid-only electricity sits at 0.8325 / 0.3 = 2.775. */
export const INTENSITY_SCALE_MAX_T_PER_TCE = 3;

/** Green → red over 0..INTENSITY_SCALE_MAX_T_PER_TCE (`at` is the share of the scale); the legend draws the same stops. */
export const INTENSITY_STOPS: readonly ColourStop[] = [
  { at: 0, hex: '#2fb36b' },
  { at: 0.4, hex: '#a8c94a' },
  { at: 0.65, hex: '#e3c84a' },
  { at: 0.85, hex: '#f2994a' },
  { at: 1, hex: '#e5484d' },
];

const toHex = (x: number) =>
  Math.round(Math.min(Math.max(x, 0), 1) * 255)
    .toString(16)
    .padStart(2, '0');

/**
 * The colour of a carbon intensity (tCO2/tce); null (nothing consumed, no window yet) is the no-data grey.
 *
 * @example
 * intensityHex(2.775) // orange-red: all electricity from the grid
 */
export function intensityHex(intensity: number | null | undefined): string {
  if (intensity === null || intensity === undefined || !Number.isFinite(intensity)) return NO_DATA_HEX;
  const [r, g, b] = sampleStops(INTENSITY_STOPS, Math.min(Math.max(intensity / INTENSITY_SCALE_MAX_T_PER_TCE, 0), 1));
  return `#${toHex(r)}${toHex(g)}${toHex(b)}`;
}
