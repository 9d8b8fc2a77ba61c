import { type DecimalInput, type DecimalString, dec } from '../decimal.js';
import type { BaseUnit } from '../units.js';
import { GRID_DATASET_ID, GRID_FACTOR_YEARS } from './electricity.js';
import { FUEL_DATASET, FUEL_IDS, FUELS, fuelFactor } from './fuels.js';

export type FactorKind = 'grid_average' | 'grid_fossil' | 'residual_proxy' | 'heat' | 'fuel' | 'process';

/** One emission factor in tCO2 per `perUnit`, with the dataset it belongs to (CARB-EF-3). */
export interface EmissionFactor {
  id: string;
  value: DecimalString;
  perUnit: BaseUnit;
  kind: FactorKind;
  description: string;
  datasetId: string;
  datasetVersion: string;
  source: string;
  year: number;
  region: string;
  /** How the value was obtained when it was computed (fuels, carbonates). */
  derivation?: string;
  /** Standard-coal coefficient, tce per `perUnit` (fuels). */
  tcePerUnit?: DecimalString;
}

export interface FactorDataset {
  id: string;
  version: string;
  source: string;
  year: number;
  region: string;
  factors: readonly EmissionFactor[];
}

/** A factor a user adds: measured, or from a provincial inventory or verification (CARB-EF-4). */
export interface UserFactorInput {
  id: string;
  value: DecimalInput;
  perUnit: BaseUnit;
  kind: 'fuel' | 'process' | 'heat';
  source: string;
  year: number;
  region?: string;
  description?: string;
  tcePerUnit?: DecimalInput;
}

export const USER_DATASET_ID = 'user';
export const PROCESS_DATASET_ID = 'process-defaults';

/** `datasetId@version:factorId`, the reference lineage and overrides use. */
export const factorRef = (f: Pick<EmissionFactor, 'datasetId' | 'datasetVersion' | 'id'>): string => `${f.datasetId}@${f.datasetVersion}:${f.id}`;

function gridDatasets(): FactorDataset[] {
  return GRID_FACTOR_YEARS.map((y) => {
    const version = String(y.year);
    const base = { datasetId: GRID_DATASET_ID, datasetVersion: version, source: y.source, year: y.year, perUnit: 'MWh' as const };
    const factors: EmissionFactor[] = [
      { ...base, id: 'elec.national.average', value: y.nationalAverage, kind: 'grid_average', region: 'CN', description: 'national grid average' },
      { ...base, id: 'elec.national.fossil', value: y.nationalFossil, kind: 'grid_fossil', region: 'CN', description: 'national fossil power' },
    ];
    if (y.residualProxy) {
      factors.push({
        ...base,
        id: 'elec.national.residual_proxy',
        value: y.residualProxy,
        kind: 'residual_proxy',
        region: 'CN',
        description: 'national, excluding market-traded non-fossil power (residual-mix proxy)',
      });
    }
    for (const [region, value] of Object.entries(y.regional)) {
      factors.push({ ...base, id: `elec.grid.${region}.average`, value, kind: 'grid_average', region, description: `${region} regional grid average` });
    }
    for (const [province, value] of Object.entries(y.provincial)) {
      factors.push({
        ...base,
        id: `elec.province.${province}.average`,
        value,
        kind: 'grid_average',
        region: province,
        description: `${province} provincial average`,
      });
    }
    return { id: GRID_DATASET_ID, version, source: y.source, year: y.year, region: 'CN', factors };
  });
}

function fuelDataset(): FactorDataset {
  const base = { datasetId: FUEL_DATASET.id, datasetVersion: FUEL_DATASET.version, source: FUEL_DATASET.source, year: FUEL_DATASET.year, region: 'CN' };
  const factors = FUEL_IDS.map((id): EmissionFactor => {
    const spec = FUELS[id];
    return {
      ...base,
      id: `fuel.${id}`,
      value: fuelFactor(spec).toFixed(),
      perUnit: spec.baseUnit,
      kind: 'fuel',
      description: spec.name.en,
      derivation: `NCV ${spec.ncvGjPerUnit} GJ/${spec.baseUnit} × ${spec.carbonTcPerTj} tC/TJ × oxidation ${spec.oxidation} × 44/12`,
      tcePerUnit: spec.tcePerUnit,
    };
  });
  return { id: FUEL_DATASET.id, version: FUEL_DATASET.version, source: FUEL_DATASET.source, year: FUEL_DATASET.year, region: 'CN', factors };
}

/** Molar masses (g/mol, IUPAC standard atomic weights) for carbonate factors. */
const MOLAR_MASS = { CO2: '44.0095', CaCO3: '100.0869', MgCO3: '84.3139', CaMgCO32: '184.4008' } as const;

function processDataset(): FactorDataset {
  const base = {
    datasetId: PROCESS_DATASET_ID,
    datasetVersion: '2025.1',
    source: 'IPCC 2006 defaults and carbonate stoichiometry, as tabulated in the carbon-accounting reference',
    year: 2025,
    region: 'global',
    perUnit: 't' as const,
    kind: 'process' as const,
  };
  const carbonate = (id: string, formula: keyof typeof MOLAR_MASS, co2PerMol: number, description: string): EmissionFactor => ({
    ...base,
    id,
    value: dec(MOLAR_MASS.CO2).times(co2PerMol).dividedBy(MOLAR_MASS[formula]).toSignificantDigits(4).toFixed(),
    description,
    derivation: `${co2PerMol} × M(CO2) ${MOLAR_MASS.CO2} / M(${formula}) ${MOLAR_MASS[formula]}`,
  });
  return {
    id: base.datasetId,
    version: base.datasetVersion,
    source: base.source,
    year: base.year,
    region: base.region,
    factors: [
      { ...base, id: 'process.cement_clinker.ipcc', value: '0.507', description: 'cement clinker, IPCC default at 64.6% CaO' },
      carbonate('process.caco3', 'CaCO3', 1, 'calcium carbonate (limestone) calcined'),
      carbonate('process.mgco3', 'MgCO3', 1, 'magnesium carbonate calcined'),
      carbonate('process.dolomite', 'CaMgCO32', 2, 'dolomite CaMg(CO3)2 calcined'),
    ],
  };
}

export interface FactorLibrary {
  readonly datasets: readonly FactorDataset[];
  /** A factor by `datasetId@version:factorId`, or by bare `factorId` (user factors first, then the newest version). */
  find(ref: string): EmissionFactor | undefined;
}

/**
 * The built-in datasets (MEE/NBS grid factors by year, fuel defaults computed from their
 * parameters, process defaults) plus the user's own factors in the `user` dataset.
 *
 * @example
 * createFactorLibrary().find('fuel.diesel')?.value // '3.09591'
 */
export function createFactorLibrary(userFactors: readonly UserFactorInput[] = [], userVersion = '1'): FactorLibrary {
  const user: FactorDataset = {
    id: USER_DATASET_ID,
    version: userVersion,
    source: 'user-supplied factors (each cites its own source)',
    year: 0,
    region: 'park',
    factors: userFactors.map((u) => ({
      id: u.id,
      value: dec(u.value).toFixed(),
      perUnit: u.perUnit,
      kind: u.kind,
      description: u.description ?? u.id,
      datasetId: USER_DATASET_ID,
      datasetVersion: userVersion,
      source: u.source,
      year: u.year,
      region: u.region ?? 'park',
      ...(u.tcePerUnit === undefined ? {} : { tcePerUnit: dec(u.tcePerUnit).toFixed() }),
    })),
  };
  const datasets = [user, ...gridDatasets(), fuelDataset(), processDataset()];
  const byRef = new Map<string, EmissionFactor>();
  const byId = new Map<string, EmissionFactor>();
  for (const d of datasets) {
    for (const f of d.factors) {
      byRef.set(factorRef(f), f);
      const seen = byId.get(f.id);
      // User factors shadow built-ins of the same id; otherwise the newest year wins.
      if (!seen || (seen.datasetId !== USER_DATASET_ID && f.year > seen.year)) byId.set(f.id, f);
    }
  }
  return { datasets, find: (ref) => (ref.includes(':') ? byRef.get(ref) : byId.get(ref)) };
}
