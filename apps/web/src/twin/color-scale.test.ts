import { describe, expect, it } from 'vitest';
import { hexToRgb, IDLE_HEX, intensityHex, NO_DATA_HEX, PALETTE_STOPS, powerColour, sampleStops } from './color-scale.js';

const close = (a: readonly number[], b: readonly number[]) => {
  for (const [i, v] of a.entries()) expect(v).toBeCloseTo(b[i] as number, 5);
};

describe('powerColour', () => {
  it('is dark grey without a usable value', () => {
    expect(powerColour('load', undefined, 100)).toEqual(hexToRgb(NO_DATA_HEX));
    expect(powerColour('load', 50, 100, 2)).toEqual(hexToRgb(NO_DATA_HEX));
    expect(powerColour('load', 50, 100, 3)).toEqual(hexToRgb(NO_DATA_HEX));
  });

  it('is idle grey near zero, in every palette', () => {
    for (const p of ['load', 'generation', 'battery'] as const) expect(powerColour(p, 1, 100)).toEqual(hexToRgb(IDLE_HEX));
  });

  it('runs green → red for loads and clamps above the rating', () => {
    close(powerColour('load', 2, 100), hexToRgb('#3fbf7f'));
    close(powerColour('load', 100, 100), hexToRgb('#e5484d'));
    close(powerColour('load', 250, 100), hexToRgb('#e5484d'));
    const mid = powerColour('load', 65, 100);
    const [y, o] = [hexToRgb('#e3c84a'), hexToRgb('#f2994a')];
    close(mid, [(y[0] + o[0]) / 2, (y[1] + o[1]) / 2, (y[2] + o[2]) / 2]);
  });

  it('tells battery charge (negative) from discharge (positive)', () => {
    close(powerColour('battery', -100, 100), hexToRgb('#2f6fed'));
    close(powerColour('battery', 100, 100), hexToRgb('#f07b1f'));
  });

  it('uses the generation palette for PV', () => {
    close(powerColour('generation', 100, 100), hexToRgb('#ffe066'));
  });
});

describe('sampleStops', () => {
  it('clamps below the first stop', () => {
    close(sampleStops(PALETTE_STOPS.load, 0), hexToRgb('#3fbf7f'));
  });
});

describe('intensityHex', () => {
  it('runs green → red over the intensity scale; no data is grey', () => {
    expect(intensityHex(0)).toBe('#2fb36b');
    expect(intensityHex(3)).toBe('#e5484d');
    expect(intensityHex(10)).toBe('#e5484d');
    expect(intensityHex(null)).toBe(NO_DATA_HEX);
    // 1.95 t/tce = 0.65 of the scale: exactly the yellow stop
    expect(intensityHex(1.95)).toBe('#e3c84a');
  });
});
