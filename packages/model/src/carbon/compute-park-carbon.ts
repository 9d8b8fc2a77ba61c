import { type CarbonActivityInput, CarbonActivityInputSchema } from './activity-schema.js';
import { type CertificateViolation, checkCertificates } from './certificates.js';
import { type Dec, dec, ZERO } from './decimal.js';
import { energyOfEnterprise } from './energy-tce.js';
import { CarbonInputError } from './errors.js';
import { createFactorLibrary, type UserFactorInput } from './factors/library.js';
import { type GhgProtocolView, ghgProtocolOfEnterprise, RESIDUAL_MIX_NOTE } from './ghg-protocol.js';
import { type CoreIndicator, coreIndicator, type GuidingIndicator, guidingIndicators } from './indicators.js';
import { type Figure, figure, LineageBuilder } from './lineage.js';
import { monthsInclusive } from './months.js';
import { type ParameterOverride, type ResolvedParameter, resolveParameters } from './parameters.js';
import { accountEnterprise, type EnterpriseParkMethod, gridImportOf, type LocatedItem } from './park-method.js';

export interface ComputeParkCarbonOptions {
  /** Applied after the input's own `parameters` (a CLI flag beats the file). */
  parameterOverrides?: readonly ParameterOverride[];
  /** Certificates retired in earlier periods, from the ledger (CARB-CERT-1). */
  previouslyRetiredCertificateIds?: Iterable<string>;
}

/** Park-method sources (CARB-PM-1). */
export interface ParkMethodSources {
  E_fuel: Figure;
  E_conversion: Figure;
  E_elec: Figure;
  E_heat: Figure;
  E_indirect: Figure;
  E_energy: Figure;
  E_process: Figure;
  E_park: Figure;
  bunkers: Figure;
}

export interface ElectricitySummary {
  gridImportMwh: string;
  fossilExportMwh: string;
  nonFossilExportMwh: string;
  directGreenMwh: string;
  pvSelfMwh: string;
  pvSoldMwh: string;
  certificateCoveredMwh: string;
  greyMwh: string;
}

export interface EnergySummary {
  total: Figure;
  electricity: Figure;
  heat: Figure;
  fuels: Figure;
  /** Gross consumption whose activity data is metered, tce: with `consumptionManual`, the data coverage (CARB-TCE-4). */
  consumptionMetered: Figure;
  consumptionManual: Figure;
}

export interface EnterpriseCarbon {
  id: string;
  name?: string;
  parkMethod: ParkMethodSources;
  netElectricityExport: boolean;
  electricity: ElectricitySummary;
  energy: EnergySummary;
  ghgProtocol: GhgProtocolView;
}

export interface DirectSupplyShare {
  /** Direct green supply and own PV (with its certificates) over all green power used. */
  value?: Figure;
  meetsHalf?: boolean;
  reason?: string;
}

export interface ParkCarbonResult {
  schema: 'zcp.carbon.result/v1';
  park: { id: string; name?: string };
  period: { from: string; to: string; months: number };
  parkMethod: ParkMethodSources;
  netElectricityExport: boolean;
  electricity: ElectricitySummary;
  energy: EnergySummary;
  enterprises: EnterpriseCarbon[];
  indicators: { core: CoreIndicator; guiding: GuidingIndicator[]; directSupplyShare: DirectSupplyShare };
  ghgProtocol: GhgProtocolView;
  certificates: { applied: { enterpriseId: string; mwh: string; certificateIds: string[] }[]; violations: CertificateViolation[] };
  /** Every parameter with the value used, its source and whether it was overridden (CARB-PAR-4). */
  parameters: ResolvedParameter[];
  factorDatasets: { id: string; version: string; source: string }[];
  /** No certificate safeguard was broken. */
  valid: boolean;
}

/** Reads and validates activity input (CARB-IN-1); throws {@link CarbonInputError} `invalid_input` listing every issue. */
export function parseCarbonActivityInput(raw: unknown): CarbonActivityInput {
  const parsed = CarbonActivityInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new CarbonInputError('invalid_input', `invalid carbon activity input:\n${issues.join('\n')}`, parsed.error.issues[0]?.path.map(String) ?? []);
}

const sumFigures = (figs: readonly Figure[], unit: string): Figure => {
  const l = new LineageBuilder();
  let v: Dec = ZERO;
  for (const f of figs) {
    v = v.plus(dec(f.value));
    l.merge(f.lineage);
  }
  return figure(v, unit, l);
};

const SOURCE_KEYS = ['E_fuel', 'E_conversion', 'E_elec', 'E_heat', 'E_indirect', 'E_energy', 'E_process', 'E_park', 'bunkers'] as const;
/** Each of `keys` summed over `rows` (CARB-AGG-1: the park is the sum of its enterprises). */
function sumEach<K extends string>(rows: readonly Readonly<Record<K, Figure>>[], keys: readonly K[], unit: string): Record<K, Figure> {
  return Object.fromEntries(
    keys.map((k) =>
      rows.length === 0
        ? [k, figure(ZERO, unit, new LineageBuilder())]
        : [
            k,
            sumFigures(
              rows.map((r) => r[k]),
              unit,
            ),
          ],
    ),
  ) as Record<K, Figure>;
}
const sumSources = (list: readonly ParkMethodSources[]): ParkMethodSources =>
  sumEach(list as unknown as Record<(typeof SOURCE_KEYS)[number], Figure>[], SOURCE_KEYS, 'tCO2') as unknown as ParkMethodSources;

const ELEC_KEYS = [
  'gridImportMwh',
  'fossilExportMwh',
  'nonFossilExportMwh',
  'directGreenMwh',
  'pvSelfMwh',
  'pvSoldMwh',
  'certificateCoveredMwh',
  'greyMwh',
] as const;
const sumElectricity = (list: readonly ElectricitySummary[]): ElectricitySummary =>
  Object.fromEntries(ELEC_KEYS.map((k) => [k, list.reduce((s, e) => s.plus(dec(e[k])), ZERO).toFixed()])) as unknown as ElectricitySummary;

/**
 * Accounts one period of a park by the national zero-carbon park method (发改环资〔2025〕910号
 * Annex 4), with comprehensive energy consumption, the core and guiding indicators, certificate
 * safeguards, the GHG Protocol view and lineage on every figure. Pure: no I/O, no clock.
 * See `SPEC.md` beside this file for the rules (CARB-*).
 *
 * @example
 * const result = computeParkCarbon(activityJson, { parameterOverrides: [{ id: 'elec.equivalent_value_kgce_per_kwh', value: '0.28078', source: 'DB31/T 783-2026' }] });
 * result.parkMethod.E_park.value // e.g. '1426.2777'
 * result.indicators.core.band    // 'no_band'
 */
export function computeParkCarbon(raw: unknown, options: ComputeParkCarbonOptions = {}): ParkCarbonResult {
  const input = parseCarbonActivityInput(raw);
  const parameters = resolveParameters([...input.parameters, ...(options.parameterOverrides ?? [])]);
  const library = createFactorLibrary(input.factors as UserFactorInput[]);
  const months = monthsInclusive(input.period.from, input.period.to);

  const itemsOf = new Map<string, LocatedItem[]>();
  for (const e of input.enterprises) {
    itemsOf.set(
      e.id,
      e.activities.map((a, i) => ({ ...a, itemId: a.id ?? `${e.id}#${i}`, enterpriseId: e.id })),
    );
  }
  const directSupplyFacilities = new Map<string, Set<string>>();
  const gridImportMwh = new Map<string, Dec>();
  for (const [id, items] of itemsOf) {
    gridImportMwh.set(id, gridImportOf(items));
    directSupplyFacilities.set(
      id,
      new Set(items.flatMap((i) => (i.kind === 'electricity' && i.flow === 'direct_green' && i.facilityId ? [i.facilityId] : []))),
    );
  }
  const factorRef = parameters['elec.park_method_factor_t_per_mwh'].factorId;
  const certCheck = checkCertificates({
    certificates: input.certificates,
    period: input.period,
    parameters,
    gridImportMwh,
    directSupplyFacilities,
    previouslyRetired: new Set(options.previouslyRetiredCertificateIds ?? []),
    electricityFactorIsAverage: factorRef !== undefined && library.find(factorRef)?.kind === 'grid_average',
  });

  const enterprises: EnterpriseCarbon[] = [];
  const pms: EnterpriseParkMethod[] = [];
  let cleanTce: Dec = ZERO;
  let directGreen: Dec = ZERO;
  let greenTotal: Dec = ZERO;
  for (const e of input.enterprises) {
    const items = itemsOf.get(e.id) ?? [];
    const pm = accountEnterprise(items, library, parameters, certCheck.coverage.get(e.id));
    const en = energyOfEnterprise(items, pm.electricity, library, parameters);
    cleanTce = cleanTce.plus(en.clean);
    const el = pm.electricity;
    const direct = el.directGreenMwh.plus(el.pvSelfMwh).minus(el.pvSoldMwh);
    directGreen = directGreen.plus(direct);
    greenTotal = greenTotal.plus(direct).plus(el.certificateCoveredMwh);
    pms.push(pm);
    enterprises.push({
      id: e.id,
      ...(e.name === undefined ? {} : { name: e.name }),
      parkMethod: Object.fromEntries(SOURCE_KEYS.map((k) => [k, pm[k]])) as unknown as ParkMethodSources,
      netElectricityExport: pm.netElectricityExport,
      electricity: Object.fromEntries(ELEC_KEYS.map((k) => [k, el[k].toFixed()])) as unknown as ElectricitySummary,
      energy: {
        total: en.total,
        electricity: en.electricity,
        heat: en.heat,
        fuels: en.fuels,
        consumptionMetered: en.consumptionMetered,
        consumptionManual: en.consumptionManual,
      },
      ghgProtocol: ghgProtocolOfEnterprise(items, pm, parameters),
    });
  }

  // CARB-AGG-1: the park is the sum of its enterprises.
  const parkMethod = sumSources(enterprises.map((e) => e.parkMethod));
  const energy: EnergySummary = sumEach(
    enterprises.map((e) => e.energy),
    ['total', 'electricity', 'heat', 'fuels', 'consumptionMetered', 'consumptionManual'],
    'tce',
  );
  const allItems = [...itemsOf.values()].flat();
  const directSupplyShare: DirectSupplyShare = greenTotal.gt(0)
    ? (() => {
        const v = directGreen.dividedBy(greenTotal);
        return { value: figure(v, 'fraction', parkMethod.E_elec.lineage), meetsHalf: v.gte('0.5') };
      })()
    : { reason: 'no green power used in the period' };

  return {
    schema: 'zcp.carbon.result/v1',
    park: input.park,
    period: { ...input.period, months },
    parkMethod,
    netElectricityExport: dec(parkMethod.E_elec.value).lt(0),
    electricity: sumElectricity(enterprises.map((e) => e.electricity)),
    energy,
    enterprises,
    indicators: {
      core: coreIndicator(parkMethod.E_park, energy.total, months),
      guiding: guidingIndicators(allItems, { cleanTce, totalTce: energy.total }, input.exemptions),
      directSupplyShare,
    },
    ghgProtocol: {
      ...sumEach(
        enterprises.map((e) => e.ghgProtocol),
        ['scope1', 'scope2LocationBased', 'scope2MarketBased'],
        'tCO2',
      ),
      residualMixNote: RESIDUAL_MIX_NOTE,
    },
    certificates: {
      applied: [...certCheck.coverage].map(([enterpriseId, c]) => ({ enterpriseId, mwh: c.coveredMwh.toFixed(), certificateIds: c.certificateIds })),
      violations: certCheck.violations,
    },
    parameters: Object.values(parameters),
    factorDatasets: library.datasets.map((d) => ({ id: d.id, version: d.version, source: d.source })),
    valid: certCheck.violations.length === 0,
  };
}
