import { type Dec, dec, toSignificant } from '../decimal.js';

/** A fuel's default parameters (enterprise-guideline defaults; tce coefficient from GB/T 2589). */
export interface FuelSpec {
  id: FuelId;
  name: { zh: string; en: string };
  /** The unit quantities and factors are stated per. */
  baseUnit: 't' | 'Nm3';
  /** Net calorific value, GJ per base unit. */
  ncvGjPerUnit: string;
  /** Carbon content per unit heat, tC/TJ. */
  carbonTcPerTj: string;
  /** Oxidation rate, fraction. */
  oxidation: string;
  /** The factor as the reference tables print it, tCO2 per base unit (checked, CARB-EF-2). */
  tableFactorTPerUnit: string;
  /** GB/T 2589 standard-coal coefficient, tce per base unit. */
  tcePerUnit: string;
}

export const FUEL_IDS = ['raw_coal', 'natural_gas', 'diesel', 'gasoline', 'fuel_oil', 'lpg'] as const;
export type FuelId = (typeof FUEL_IDS)[number];

export const FUEL_DATASET = {
  id: 'cn-fuel-defaults',
  version: '2025.1',
  source:
    'National GHG emission factor database / enterprise GHG accounting guideline defaults (NCV, carbon content, oxidation); tce coefficients GB/T 2589-2020; as tabulated in the carbon-accounting reference',
  year: 2025,
  region: 'CN',
} as const;

/** Natural gas NCV is tabulated per 10⁴ Nm³ (389.31 GJ); stated here per Nm³. */
export const FUELS: Readonly<Record<FuelId, FuelSpec>> = {
  raw_coal: {
    id: 'raw_coal',
    name: { zh: '原煤', en: 'raw coal' },
    baseUnit: 't',
    ncvGjPerUnit: '20.908',
    carbonTcPerTj: '26.37',
    oxidation: '0.94',
    tableFactorTPerUnit: '1.9003',
    tcePerUnit: '0.7143',
  },
  natural_gas: {
    id: 'natural_gas',
    name: { zh: '天然气', en: 'natural gas' },
    baseUnit: 'Nm3',
    ncvGjPerUnit: '0.038931',
    carbonTcPerTj: '15.3',
    oxidation: '0.99',
    tableFactorTPerUnit: '0.0021622',
    tcePerUnit: '0.00133',
  },
  diesel: {
    id: 'diesel',
    name: { zh: '柴油', en: 'diesel' },
    baseUnit: 't',
    ncvGjPerUnit: '42.652',
    carbonTcPerTj: '20.2',
    oxidation: '0.98',
    tableFactorTPerUnit: '3.0959',
    tcePerUnit: '1.4571',
  },
  gasoline: {
    id: 'gasoline',
    name: { zh: '汽油', en: 'gasoline' },
    baseUnit: 't',
    ncvGjPerUnit: '43.070',
    carbonTcPerTj: '18.9',
    oxidation: '0.98',
    tableFactorTPerUnit: '2.9251',
    tcePerUnit: '1.4714',
  },
  fuel_oil: {
    id: 'fuel_oil',
    name: { zh: '燃料油', en: 'fuel oil' },
    baseUnit: 't',
    ncvGjPerUnit: '41.816',
    carbonTcPerTj: '21.1',
    oxidation: '0.98',
    tableFactorTPerUnit: '3.1705',
    tcePerUnit: '1.4286',
  },
  lpg: {
    id: 'lpg',
    name: { zh: '液化石油气', en: 'LPG' },
    baseUnit: 't',
    ncvGjPerUnit: '50.179',
    carbonTcPerTj: '17.2',
    oxidation: '0.98',
    tableFactorTPerUnit: '3.1013',
    tcePerUnit: '1.7143',
  },
};

/** Significant digits computed factors are published with (the reference asks for 4+). */
export const FUEL_FACTOR_SIGNIFICANT_DIGITS = 6;

/**
 * `EF = NCV × carbon content × oxidation × 44/12` in tCO2 per base unit, rounded to six
 * significant digits (CARB-EF-1). `oxidation` may be forced to 1 for conversion activities
 * (CARB-PM-3).
 *
 * @example
 * fuelFactor(FUELS.diesel).toString() // '3.09591'
 */
export function fuelFactor(spec: Pick<FuelSpec, 'ncvGjPerUnit' | 'carbonTcPerTj' | 'oxidation'>, oxidation?: Dec): Dec {
  const tcPerGj = dec(spec.carbonTcPerTj).dividedBy(1000);
  const raw = dec(spec.ncvGjPerUnit)
    .times(tcPerGj)
    .times(oxidation ?? dec(spec.oxidation))
    .times(44)
    .dividedBy(12);
  return toSignificant(raw, FUEL_FACTOR_SIGNIFICANT_DIGITS);
}
