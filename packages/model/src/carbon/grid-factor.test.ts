import { describe, expect, it } from 'vitest';
import { co2TonnesOfKwh, NATIONAL_GRID_FACTOR_2023 } from './grid-factor.js';

describe('co2TonnesOfKwh', () => {
  it('applies the 2023 national grid average factor, 0.5306 kgCO2/kWh', () => {
    expect(NATIONAL_GRID_FACTOR_2023.gCo2PerMwh).toBe(530_600);
    expect(co2TonnesOfKwh(1000)).toBe(0.5306);
    // Example B of the carbon-accounting reference: 1,200 MWh location-based, national 2023 = 636.72 t.
    expect(co2TonnesOfKwh(1_200_000)).toBe(636.72);
  });

  it('is exact where float products are not: 0.1 kWh ten times is ten times 0.1 kWh', () => {
    expect(co2TonnesOfKwh(0.1) * 10).toBeCloseTo(co2TonnesOfKwh(1), 15);
    expect(co2TonnesOfKwh(0.3)).toBe(0.00015918);
    expect(co2TonnesOfKwh(-2)).toBe(-0.0010612);
    expect(co2TonnesOfKwh(0)).toBe(0);
  });

  it('rejects non-finite energy', () => {
    expect(() => co2TonnesOfKwh(Number.NaN)).toThrow(RangeError);
  });
});
