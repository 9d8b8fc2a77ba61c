/** One year's MEE/NBS electricity factors, tCO2/MWh (= kgCO2/kWh). */
export interface GridFactorYear {
  year: number;
  source: string;
  nationalAverage: string;
  /** National factor excluding market-traded non-fossil power: the residual-mix proxy. */
  residualProxy?: string;
  nationalFossil: string;
  regional: Readonly<Record<string, string>>;
  provincial: Readonly<Record<string, string>>;
}

export const GRID_REGIONS = ['north', 'northeast', 'east', 'central', 'northwest', 'south', 'southwest'] as const;
export type GridRegion = (typeof GRID_REGIONS)[number];

export const GRID_DATASET_ID = 'cn-grid-mee-nbs';

/** MEE/NBS electricity CO2 factors by year (carbon-accounting reference, "Electricity factors"). */
export const GRID_FACTOR_YEARS: readonly GridFactorYear[] = [
  {
    year: 2021,
    source: 'MEE/NBS announcement 2024 No. 12',
    nationalAverage: '0.5568',
    nationalFossil: '0.8426',
    regional: {},
    provincial: {},
  },
  {
    year: 2022,
    source: 'MEE/NBS announcement 2024-12-20',
    nationalAverage: '0.5366',
    residualProxy: '0.5856',
    nationalFossil: '0.8325',
    regional: { north: '0.6776', northeast: '0.5564', east: '0.5617', central: '0.5395', northwest: '0.5857', south: '0.3869', southwest: '0.2268' },
    provincial: {
      hebei: '0.7252',
      shanxi: '0.7096',
      tianjin: '0.7041',
      inner_mongolia: '0.6849',
      anhui: '0.6782',
      fujian: '0.4092',
      guangxi: '0.4044',
      qinghai: '0.1567',
      sichuan: '0.1404',
      yunnan: '0.1073',
    },
  },
  {
    year: 2023,
    source: 'MEE/NBS announcement 2025-12',
    nationalAverage: '0.5306',
    residualProxy: '0.6096',
    nationalFossil: '0.8273',
    regional: { north: '0.6361', northeast: '0.5122', east: '0.5500', central: '0.5271', northwest: '0.5543', south: '0.4042', southwest: '0.2472' },
    provincial: {},
  },
];

/** Factors that are not for scope 2 or the park method, kept so nobody types them in by mistake. */
export const OTHER_ELECTRICITY_FACTORS = {
  ets2023: { value: '0.5703', unit: 'tCO2/MWh', source: 'National ETS reporting factor (MEE, Feb 2023)', note: 'ETS compliance only' },
  footprint2023: { value: '0.6205', unit: 'tCO2e/MWh', source: '2023 electricity carbon-footprint factor', note: 'product footprints only; not for scope 2' },
} as const;
