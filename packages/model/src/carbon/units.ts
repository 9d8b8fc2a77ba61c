import { type Dec, dec } from './decimal.js';

/**
 * Units the activity data may be written in, each with its base unit and the factor to it
 * (CARB-UNIT-1). Factors and coefficients are always stated per base unit.
 */
export const UNITS = {
  t: { base: 't', toBase: '1' },
  kg: { base: 't', toBase: '0.001' },
  Nm3: { base: 'Nm3', toBase: '1' },
  '10^4Nm3': { base: 'Nm3', toBase: '10000' },
  MWh: { base: 'MWh', toBase: '1' },
  kWh: { base: 'MWh', toBase: '0.001' },
  GWh: { base: 'MWh', toBase: '1000' },
  GJ: { base: 'GJ', toBase: '1' },
  MJ: { base: 'GJ', toBase: '0.001' },
  TJ: { base: 'GJ', toBase: '1000' },
} as const;
export type Unit = keyof typeof UNITS;
export type BaseUnit = (typeof UNITS)[Unit]['base'];
export const UNIT_NAMES = Object.keys(UNITS) as Unit[];

/** A quantity in `unit` expressed in its base unit, exactly. */
export const toBaseUnit = (quantity: Dec, unit: Unit): Dec => quantity.times(dec(UNITS[unit].toBase));

/** A quantity in base units expressed in `unit` (the inverse of {@link toBaseUnit}). */
export const fromBaseUnit = (quantity: Dec, unit: Unit): Dec => quantity.dividedBy(dec(UNITS[unit].toBase));

export const baseUnitOf = (unit: Unit): BaseUnit => UNITS[unit].base;
