import { type Dec, type DecimalInput, type DecimalString, dec } from './decimal.js';

/**
 * A named, versioned value the accounting depends on (CARB-PAR-1). Values the reference marks
 * unconfirmed carry `unconfirmed: true`, and every result prints the values it used.
 */
export interface ParameterDefinition {
  id: ParameterId;
  version: string;
  value: DecimalString;
  unit: string;
  source: string;
  unconfirmed: boolean;
  description: string;
}

export const PARAMETER_IDS = [
  'elec.equivalent_value_kgce_per_kwh',
  'elec.park_method_factor_t_per_mwh',
  'heat.default_fossil_factor_t_per_gj',
  'process.clinker_factor_t_per_t',
  'cert.validity_months.GEC',
  'cert.validity_months.other',
  'ghg.location_factor_t_per_mwh',
  'ghg.residual_factor_t_per_mwh',
] as const;
export type ParameterId = (typeof PARAMETER_IDS)[number];

const REF = 'carbon-accounting reference (/work/shared/reference/carbon-accounting.md)';

/** Default values (CARB-PAR-2). */
export const DEFAULT_PARAMETERS: Readonly<Record<ParameterId, ParameterDefinition>> = {
  'elec.equivalent_value_kgce_per_kwh': {
    id: 'elec.equivalent_value_kgce_per_kwh',
    version: '2025-provisional',
    value: '0.3',
    unit: 'kgce/kWh',
    source: `Electricity at equivalent value (等价值): the year's average coal consumption of thermal power supply, "of the order of 0.3 kgce/kWh nationally" (${REF}); official value unconfirmed. Alternatives: Shanghai DB31/T 783-2026 Annex A 0.28078; calorific value 0.1229 (not the method's choice).`,
    unconfirmed: true,
    description: 'Electricity in comprehensive energy consumption (tce)',
  },
  'elec.park_method_factor_t_per_mwh': {
    id: 'elec.park_method_factor_t_per_mwh',
    version: '2022',
    value: '0.8325',
    unit: 'tCO2/MWh',
    source: '发改环资〔2025〕910号 Annex 4: national fossil-power factor 0.8325 kgCO2/kWh (MEE/NBS 2022 value, announcement 2024-12-20)',
    unconfirmed: false,
    description: 'Park method: factor for electricity not directly supplied green and not certificate-covered',
  },
  'heat.default_fossil_factor_t_per_gj': {
    id: 'heat.default_fossil_factor_t_per_gj',
    version: '2025',
    value: '0.11',
    unit: 'tCO2/GJ',
    source: '发改环资〔2025〕910号 Annex 4: default 0.11 tCO2/GJ for fossil heat (measured factor preferred)',
    unconfirmed: false,
    description: 'Fossil heat without a measured factor',
  },
  'process.clinker_factor_t_per_t': {
    id: 'process.clinker_factor_t_per_t',
    version: 'ipcc-2006',
    value: '0.507',
    unit: 'tCO2/t',
    source: `IPCC default 0.507 tCO2/t clinker at 64.6% CaO (${REF}); official Chinese clinker factor unconfirmed`,
    unconfirmed: true,
    description: 'Cement clinker process emissions',
  },
  'cert.validity_months.GEC': {
    id: 'cert.validity_months.GEC',
    version: '2023',
    value: '24',
    unit: 'months',
    source: '发改能源〔2023〕1044号: GECs are valid 2 years, then cancelled automatically',
    unconfirmed: false,
    description: 'Months after the vintage month in which a GEC may be claimed',
  },
  'cert.validity_months.other': {
    id: 'cert.validity_months.other',
    version: 'provisional',
    value: '24',
    unit: 'months',
    source: 'No validity stated in the reference for I-REC / GO / green-power trades; the GEC rule is applied provisionally',
    unconfirmed: true,
    description: 'Months after the vintage month in which other instruments may be claimed',
  },
  'ghg.location_factor_t_per_mwh': {
    id: 'ghg.location_factor_t_per_mwh',
    version: '2023',
    value: '0.5306',
    unit: 'tCO2/MWh',
    source: 'MEE/NBS 2023 national grid average 0.5306 kgCO2/kWh (announcement 2025-12)',
    unconfirmed: false,
    description: 'GHG Protocol scope 2 location-based factor',
  },
  'ghg.residual_factor_t_per_mwh': {
    id: 'ghg.residual_factor_t_per_mwh',
    version: '2023',
    value: '0.6096',
    unit: 'tCO2/MWh',
    source:
      'Residual-mix PROXY: MEE/NBS 2023 national factor excluding market-traded non-fossil power, 0.6096 kgCO2/kWh (announcement 2025-12); China publishes no residual mix',
    unconfirmed: true,
    description: 'GHG Protocol scope 2 market-based factor for electricity without instruments',
  },
};

/** A per-run override of one parameter (CARB-PAR-3). */
export interface ParameterOverride {
  id: ParameterId;
  value: DecimalInput;
  source: string;
  version?: string;
  /** The library factor the value was taken from, when it was (lets CARB-CERT-7 see an average factor). */
  factorId?: string;
}

export interface ResolvedParameter extends ParameterDefinition {
  overridden: boolean;
  defaultValue: DecimalString;
  factorId?: string;
}

export type ParameterSet = Readonly<Record<ParameterId, ResolvedParameter>>;

/** Applies overrides to the defaults; the later of two overrides of one id wins. */
export function resolveParameters(overrides: readonly ParameterOverride[] = []): ParameterSet {
  const out = {} as Record<ParameterId, ResolvedParameter>;
  for (const id of PARAMETER_IDS) out[id] = { ...DEFAULT_PARAMETERS[id], overridden: false, defaultValue: DEFAULT_PARAMETERS[id].value };
  for (const o of overrides) {
    const base = DEFAULT_PARAMETERS[o.id];
    out[o.id] = {
      ...base,
      value: dec(o.value).toFixed(),
      source: o.source,
      version: o.version ?? 'override',
      // An override is as confirmed as its source says; the user states that by overriding.
      unconfirmed: false,
      overridden: true,
      defaultValue: base.value,
      ...(o.factorId === undefined ? {} : { factorId: o.factorId }),
    };
  }
  return out;
}

export const parameterValue = (set: ParameterSet, id: ParameterId): Dec => dec(set[id].value);
