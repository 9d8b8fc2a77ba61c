/** A grid electricity CO2 emission factor with where it comes from (printed with every figure). */
export interface GridEmissionFactor {
  /** Integer grams CO2 per MWh, so products with integer Wh stay exact. */
  gCo2PerMwh: number;
  year: number;
  source: string;
}

/**
 * National grid AVERAGE emission factor of China, 2023: 0.5306 kgCO2/kWh (MEE/NBS
 * announcement 2025-12; /work/shared/reference/carbon-accounting.md, "Electricity factors").
 * This is the location-based scope 2 factor, used here for the indicative 1-minute energy and
 * carbon windows. The park accounting method (Annex 4) instead applies the national FOSSIL
 * factor 0.8325 to non-green imports; that choice belongs to the carbon engine (later issue).
 */
export const NATIONAL_GRID_FACTOR_2023: GridEmissionFactor = {
  gCo2PerMwh: 530_600,
  year: 2023,
  source: 'MEE/NBS 2023 national grid average, 0.5306 kgCO2/kWh (announcement 2025-12)',
};

/**
 * Tonnes CO2 of `kwh` at `factor`. The energy is rounded to whole Wh first and multiplied in
 * integers (BigInt), then divided once: the only rounding is the final one, so sums of these
 * results never drift from accumulated binary fractions.
 *
 * @example
 * co2TonnesOfKwh(1000, NATIONAL_GRID_FACTOR_2023) // 0.5306
 */
export function co2TonnesOfKwh(kwh: number, factor: GridEmissionFactor = NATIONAL_GRID_FACTOR_2023): number {
  if (!Number.isFinite(kwh)) throw new RangeError(`energy ${kwh} kWh is not finite`);
  const wh = BigInt(Math.round(kwh * 1000));
  // Wh × g/MWh = 1e-6 g = 1e-12 t.
  const picoTonnes = wh * BigInt(factor.gCo2PerMwh);
  const whole = picoTonnes / 1_000_000_000_000n;
  const frac = picoTonnes % 1_000_000_000_000n;
  return Number(whole) + Number(frac) / 1e12;
}
