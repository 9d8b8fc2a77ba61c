import { z } from 'zod';
import { PARAMETER_IDS } from './parameters.js';
import { UNIT_NAMES } from './units.js';

/** `YYYY-MM`. */
export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM');
const DecimalSchema = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal like 12.5')]);
const NonNegative = DecimalSchema.refine((v) => !String(v).trim().startsWith('-'), 'must not be negative');
const Id = z.string().min(1).max(128);

/** Where an activity figure comes from (CARB-LIN-1): a meter rollup, or a manual entry / import. */
export const ActivitySourceSchema = z.object({ type: z.enum(['metered', 'manual']), note: z.string().min(1) });

const base = {
  /** Unique within the input; generated as `<enterprise>#<index>` when absent. */
  id: Id.optional(),
  /** The month inside the period the figure belongs to; absent means the whole period. */
  month: MonthSchema.optional(),
  source: ActivitySourceSchema,
};

export const ElectricityFlowSchema = z.enum(['grid_import', 'grid_export', 'direct_green', 'pv_self']);
const ElectricityUnit = z.enum(['kWh', 'MWh', 'GWh']);
const HeatUnit = z.enum(['GJ', 'MJ', 'TJ']);
const FuelUnit = z.enum(['t', 'kg', 'Nm3', '10^4Nm3']);

export const ElectricityActivitySchema = z.object({
  ...base,
  kind: z.literal('electricity'),
  flow: ElectricityFlowSchema,
  quantity: NonNegative,
  unit: ElectricityUnit,
  /** grid_export: whether the exported power was generated from fuels counted in the park (fossil) or not. */
  origin: z.enum(['fossil', 'non_fossil']).optional(),
  /** direct_green: the generating facility, to detect certificate claims on the same MWh (CARB-CERT-3). */
  facilityId: Id.optional(),
  /** pv_self: the certificates of this PV output were sold, so it counts as grey power (CARB-CERT-6). */
  certificatesSold: z.boolean().optional(),
});

export const HeatActivitySchema = z.object({
  ...base,
  kind: z.literal('heat'),
  flow: z.enum(['import', 'export']),
  quantity: NonNegative,
  unit: HeatUnit,
  origin: z.enum(['fossil', 'non_fossil']),
  /** Measured factor, tCO2/GJ; else the default parameter for fossil heat. */
  measuredFactorTPerGj: NonNegative.optional(),
});

export const FuelActivitySchema = z.object({
  ...base,
  kind: z.literal('fuel'),
  /** A built-in fuel id (raw_coal, natural_gas, diesel, gasoline, fuel_oil, lpg) or a user factor id. */
  fuel: Id,
  quantity: NonNegative,
  unit: FuelUnit,
  use: z.enum(['end_use', 'power_generation', 'heat_supply', 'feedstock']),
});

const FuelAmountSchema = z.object({ fuel: Id, quantity: NonNegative, unit: FuelUnit });
export const ConversionActivitySchema = z.object({
  ...base,
  kind: z.literal('conversion'),
  process: z.string().min(1),
  inputs: z.array(FuelAmountSchema).min(1),
  outputs: z.array(FuelAmountSchema),
});

export const ProcessActivitySchema = z.object({
  ...base,
  kind: z.literal('process'),
  /** e.g. cement_clinker, lime, synthetic_ammonia … */
  product: z.string().min(1),
  quantity: NonNegative,
  unit: z.enum(['t', 'kg']),
  /** Factor reference in the library (user or built-in); cement_clinker defaults to its parameter. */
  factorId: z.string().optional(),
});

export const BunkerActivitySchema = z.object({
  ...base,
  kind: z.literal('bunker'),
  mode: z.enum(['aviation', 'marine']),
  fuel: Id,
  quantity: NonNegative,
  unit: FuelUnit,
});

/** IND-3 input: a product's output and energy against the grade-2 limit of its standard. */
export const ProductEnergyActivitySchema = z.object({
  ...base,
  kind: z.literal('product_energy'),
  product: z.string().min(1),
  output: NonNegative,
  outputUnit: z.string().min(1),
  energyTce: NonNegative,
  /** Grade-2 (二级) limit of the applicable energy-consumption-limit standard, kgce per output unit. */
  grade2LimitKgcePerUnit: NonNegative,
  standard: z.string().min(1),
});
export const SolidWasteActivitySchema = z.object({ ...base, kind: z.literal('solid_waste'), generatedT: NonNegative, utilisedT: NonNegative });
export const WasteHeatActivitySchema = z.object({ ...base, kind: z.literal('waste_heat'), availableGj: NonNegative, utilisedGj: NonNegative });
export const WaterActivitySchema = z.object({ ...base, kind: z.literal('water'), intakeM3: NonNegative, reusedM3: NonNegative });

export const ActivityItemSchema = z.discriminatedUnion('kind', [
  ElectricityActivitySchema,
  HeatActivitySchema,
  FuelActivitySchema,
  ConversionActivitySchema,
  ProcessActivitySchema,
  BunkerActivitySchema,
  ProductEnergyActivitySchema,
  SolidWasteActivitySchema,
  WasteHeatActivitySchema,
  WaterActivitySchema,
]);

/** A green certificate or green-power trade record claimed by an enterprise (CARB-CERT-*). */
export const CertificateSchema = z.object({
  id: Id,
  kind: z.enum(['GEC', 'I-REC', 'GO', 'green_trade']),
  mwh: NonNegative,
  /** Generation month. */
  vintage: MonthSchema,
  /** The enterprise that claims (retires) it. */
  enterprise: Id,
  /** The generating facility, when known (CARB-CERT-3). */
  facilityId: Id.optional(),
  source: ActivitySourceSchema,
});

export const EnterpriseActivitySchema = z.object({ id: Id, name: z.string().optional(), activities: z.array(ActivityItemSchema) });

export const UserFactorSchema = z.object({
  id: Id,
  value: NonNegative,
  perUnit: z.enum(['t', 'Nm3', 'MWh', 'GJ']),
  kind: z.enum(['fuel', 'process', 'heat']),
  source: z.string().min(1),
  year: z.number().int(),
  region: z.string().optional(),
  description: z.string().optional(),
  tcePerUnit: NonNegative.optional(),
});

export const ParameterOverrideSchema = z.object({
  id: z.enum(PARAMETER_IDS),
  value: DecimalSchema,
  source: z.string().min(1),
  version: z.string().optional(),
  factorId: z.string().optional(),
});

/**
 * One accounting period's activity data for a park (CARB-IN-1): per enterprise, per carrier,
 * each figure with its source; the certificates claimed; the user's own factors; parameter
 * overrides; indicator exemptions.
 */
export const CarbonActivityInputSchema = z
  .object({
    schema: z.literal('zcp.carbon.activity/v1'),
    park: z.object({ id: Id, name: z.string().optional() }),
    period: z.object({ from: MonthSchema, to: MonthSchema }),
    enterprises: z.array(EnterpriseActivitySchema),
    certificates: z.array(CertificateSchema).default([]),
    factors: z.array(UserFactorSchema).default([]),
    parameters: z.array(ParameterOverrideSchema).default([]),
    exemptions: z.array(z.object({ indicator: z.enum(['IND-2', 'IND-3', 'IND-4', 'IND-5', 'IND-6']), reason: z.string().min(1) })).default([]),
  })
  .superRefine((input, ctx) => {
    if (input.period.from > input.period.to) ctx.addIssue({ code: 'custom', path: ['period'], message: 'period.from is after period.to' });
    const ids = new Set<string>();
    input.enterprises.forEach((e, ei) => {
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: ['enterprises', ei, 'id'], message: `duplicate enterprise ${e.id}` });
      ids.add(e.id);
      e.activities.forEach((a, ai) => {
        const path = ['enterprises', ei, 'activities', ai];
        if (a.month && (a.month < input.period.from || a.month > input.period.to)) {
          ctx.addIssue({ code: 'custom', path: [...path, 'month'], message: `month ${a.month} is outside the period` });
        }
        if (a.kind === 'electricity' && a.flow === 'grid_export' && !a.origin) {
          ctx.addIssue({ code: 'custom', path: [...path, 'origin'], message: 'grid_export needs origin: fossil | non_fossil' });
        }
      });
    });
    input.certificates.forEach((c, ci) => {
      if (!ids.has(c.enterprise)) ctx.addIssue({ code: 'custom', path: ['certificates', ci, 'enterprise'], message: `unknown enterprise ${c.enterprise}` });
    });
  });

export type CarbonActivityInput = z.output<typeof CarbonActivityInputSchema>;
export type CarbonActivityInputRaw = z.input<typeof CarbonActivityInputSchema>;
export type ActivityItem = z.output<typeof ActivityItemSchema>;
export type Certificate = z.output<typeof CertificateSchema>;
export type ActivitySource = z.output<typeof ActivitySourceSchema>;
/** Units accepted anywhere in the input. */
export const ACTIVITY_UNITS = UNIT_NAMES;
