import type { Figure, LineageItem, ParkCarbonResult } from '@zcp/model';
import { addDecimalText, divideDecimalText } from './decimal-text.js';
import { engineText } from './engine-text.js';
import type { ReportLang } from './labels.js';

/** Decimal places shown for intensities (tCO2/tce) and shares; figures keep full text. */
const INTENSITY_PLACES = 4;
const SHARE_PLACES = 6;

export interface ReportLineageRow {
  /** Which figure the row explains: `E_park`, `E_fuel`, …, `energy`. */
  figure: string;
  value: string;
  unit: string;
  items: { enterpriseId: string; itemId: string; kind: string; sourceType: 'metered' | 'manual'; note: string }[];
  factors: { ref: string; value: string; perUnit: string; source: string }[];
  parameters: { id: string; version: string; value: string; overridden: boolean; unconfirmed: boolean }[];
  certificates: string[];
}

export interface DeclarationReport {
  schema: 'zcp.carbon.declaration-report/v1';
  lang: ReportLang;
  generatedAt: string;
  park: { id: string; name?: string };
  period: { from: string; to: string; months: number };
  /** No certificate safeguard was broken (the engine's `valid`). */
  valid: boolean;
  summary: {
    emissionsT: string;
    energyTce: string;
    annualTce: string;
    annualised: boolean;
    intensity?: string;
    threshold: string;
    band: 'large' | 'mid' | 'no_band';
    status: 'pass' | 'fail' | 'not_computable';
    flags: string[];
    reason?: string;
  };
  /** Park-method sources in declaration order (CARB-PM-1). */
  sources: { key: string; valueT: string }[];
  guiding: { id: string; value?: string; threshold: string; status: string; reason?: string; failing?: string[] }[];
  monthly: { month: string; emissionsT: string; energyTce: string; intensity?: string; status: string }[];
  enterprises: { id: string; name: string; emissionsT: string; energyTce: string; intensity?: string; gridImportMwh: string; share?: string }[];
  /** Data coverage (CARB-TCE-4): gross consumption in tce by the source of its data, and the item counts. */
  coverage: CoverageRow & { byEnterprise: (CoverageRow & { id: string; name: string })[] };
  factors: { ref: string; value: string; perUnit: string; source: string }[];
  factorDatasets: { id: string; version: string; source: string }[];
  parameters: {
    id: string;
    version: string;
    value: string;
    defaultValue: string;
    unit: string;
    source: string;
    overridden: boolean;
    unconfirmed: boolean;
    description: string;
  }[];
  violations: { rule: string; code: string; certificateIds: string[]; enterpriseId?: string; message: string }[];
  lineage: ReportLineageRow[];
  /** Enterprises whose figures were withheld from this reader (SECURITY.md "Masking"); absent when none. */
  withheldEnterprises?: number;
}

export interface CoverageRow {
  meteredTce: string;
  manualTce: string;
  /** Metered tce over metered + manual tce, fraction text; absent when nothing was consumed. */
  meteredShare?: string;
  meteredItems: number;
  manualItems: number;
}

export interface BuildDeclarationReportInput {
  /** The result for the declared year (or period). */
  year: ParkCarbonResult;
  /** One result per month of the year, for the trend; any order, sorted by month. */
  months: readonly ParkCarbonResult[];
  lang: ReportLang;
  /** Injected so the report is deterministic in tests. */
  generatedAt: Date;
  /** Display names in the report's language, over those in the results (ledgers carry ids only). */
  names?: { park?: string; enterprises?: Readonly<Record<string, string>> };
}

const SOURCE_KEYS = ['E_fuel', 'E_conversion', 'E_elec', 'E_heat', 'E_indirect', 'E_energy', 'E_process', 'E_park', 'bunkers'] as const;

/**
 * Builds the typed model of the park's indicator declaration (申报) from engine results.
 * Pure: all text is copied from the results; nothing is recomputed with floats.
 *
 * @example
 * const year = computeParkCarbon(input);
 * const months = monthlyInputs.map((i) => computeParkCarbon(i));
 * const report = buildDeclarationReport({ year, months, lang: 'zh', generatedAt: new Date() });
 * const html = renderReportHtml(report);
 */
export function buildDeclarationReport({ year, months, lang, generatedAt, names: given }: BuildDeclarationReportInput): DeclarationReport {
  const core = year.indicators.core;
  const names = new Map(year.enterprises.map((e) => [e.id, given?.enterprises?.[e.id] ?? e.name ?? e.id]));
  const lineage: ReportLineageRow[] = [...SOURCE_KEYS.map((key) => lineageRow(key, year.parkMethod[key])), lineageRow('energy', year.energy.total)];
  const items = uniqueItems([year.parkMethod.E_park, year.parkMethod.bunkers, year.energy.total]);
  const parameterUse = new Map<string, boolean>();
  for (const row of lineage) for (const p of row.parameters) parameterUse.set(p.id, true);

  return {
    schema: 'zcp.carbon.declaration-report/v1',
    lang,
    generatedAt: generatedAt.toISOString(),
    park: { ...year.park, ...(given?.park !== undefined && { name: given.park }) },
    period: { ...year.period },
    valid: year.valid,
    summary: {
      emissionsT: year.parkMethod.E_park.value,
      energyTce: year.energy.total.value,
      annualTce: core.annualTce,
      annualised: core.annualised,
      ...(core.intensity ? { intensity: divideDecimalText(core.intensity.value, '1', INTENSITY_PLACES) ?? core.intensity.value } : {}),
      threshold: core.threshold,
      band: core.band,
      status: core.status,
      flags: core.flags.map((f) => engineText(f, lang)),
      ...(core.reason ? { reason: engineText(core.reason, lang) } : {}),
    },
    sources: SOURCE_KEYS.map((key) => ({ key, valueT: year.parkMethod[key].value })),
    guiding: year.indicators.guiding.map((g) => ({
      id: g.id,
      ...(g.value ? { value: divideDecimalText(g.value.value, '1', SHARE_PLACES) ?? g.value.value } : {}),
      threshold: g.threshold,
      status: g.status,
      ...(g.reason ? { reason: engineText(g.reason, lang) } : {}),
      ...(g.failing?.length ? { failing: [...g.failing] } : {}),
    })),
    monthly: [...months]
      .sort((a, b) => a.period.from.localeCompare(b.period.from))
      .map((m) => ({
        month: m.period.from,
        emissionsT: m.parkMethod.E_park.value,
        energyTce: m.energy.total.value,
        ...(m.indicators.core.intensity
          ? { intensity: divideDecimalText(m.indicators.core.intensity.value, '1', INTENSITY_PLACES) ?? m.indicators.core.intensity.value }
          : {}),
        status: m.indicators.core.status,
      })),
    enterprises: year.enterprises.map((e) => {
      const intensity = divideDecimalText(e.parkMethod.E_park.value, e.energy.total.value, INTENSITY_PLACES);
      const share = divideDecimalText(e.parkMethod.E_park.value, year.parkMethod.E_park.value, SHARE_PLACES);
      return {
        id: e.id,
        name: names.get(e.id) ?? e.id,
        emissionsT: e.parkMethod.E_park.value,
        energyTce: e.energy.total.value,
        ...(intensity !== undefined ? { intensity } : {}),
        gridImportMwh: e.electricity.gridImportMwh,
        ...(share !== undefined ? { share } : {}),
      };
    }),
    coverage: {
      ...coverageOf(year.energy, items),
      byEnterprise: year.enterprises.map((e) => ({
        id: e.id,
        name: names.get(e.id) ?? e.id,
        ...coverageOf(
          e.energy,
          items.filter((i) => i.enterpriseId === e.id),
        ),
      })),
    },
    factors: uniqueBy(
      lineage.flatMap((r) => r.factors),
      (f) => f.ref,
    ).sort((a, b) => a.ref.localeCompare(b.ref)),
    factorDatasets: year.factorDatasets.map((d) => ({ ...d })),
    // Every parameter the engine resolved, so a reader sees defaults as well as overrides (CARB-PAR-4).
    parameters: year.parameters.map((p) => ({
      id: p.id,
      version: p.version,
      value: p.value,
      defaultValue: p.defaultValue,
      unit: p.unit,
      source: p.source,
      overridden: p.overridden,
      unconfirmed: p.unconfirmed,
      description: p.description,
    })),
    violations: year.certificates.violations.map((v) => ({
      rule: v.rule,
      code: v.code,
      certificateIds: [...v.certificateIds],
      ...(v.enterpriseId ? { enterpriseId: v.enterpriseId } : {}),
      message: engineText(v.message, lang),
    })),
    lineage,
  };
}

function lineageRow(figure: string, f: Figure): ReportLineageRow {
  return {
    figure,
    value: f.value,
    unit: f.unit,
    items: f.lineage.items.map((i) => ({ enterpriseId: i.enterpriseId, itemId: i.itemId, kind: i.kind, sourceType: i.source.type, note: i.source.note })),
    factors: f.lineage.factors.map((x) => ({ ...x })),
    parameters: f.lineage.parameters.map((x) => ({ ...x })),
    certificates: [...f.lineage.certificates],
  };
}

function uniqueItems(figures: readonly Figure[]): LineageItem[] {
  return uniqueBy(
    figures.flatMap((f) => f.lineage.items),
    (i) => `${i.enterpriseId}\u0000${i.itemId}`,
  );
}

function uniqueBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}

function coverageOf(energy: ParkCarbonResult['energy'], items: readonly LineageItem[]): CoverageRow {
  const meteredTce = energy.consumptionMetered.value;
  const manualTce = energy.consumptionManual.value;
  const meteredItems = items.filter((i) => i.source.type === 'metered').length;
  const total = addDecimalText(meteredTce, manualTce);
  const meteredShare = total === undefined ? undefined : divideDecimalText(meteredTce, total, SHARE_PLACES);
  return { meteredTce, manualTce, ...(meteredShare !== undefined ? { meteredShare } : {}), meteredItems, manualItems: items.length - meteredItems };
}

/**
 * The report as a reader who may not see every enterprise gets it: park totals, indicators and
 * trends stay; the enterprise table, coverage rows, violations and lineage items of the
 * enterprises it may not see are removed, and their number is stated.
 */
export function withholdEnterprises(report: DeclarationReport, visible: (enterpriseId: string) => boolean): DeclarationReport {
  const hidden = report.enterprises.filter((e) => !visible(e.id)).length;
  if (hidden === 0) return report;
  return {
    ...report,
    enterprises: report.enterprises.filter((e) => visible(e.id)),
    coverage: { ...report.coverage, byEnterprise: report.coverage.byEnterprise.filter((e) => visible(e.id)) },
    violations: report.violations
      .filter((v) => v.enterpriseId === undefined || visible(v.enterpriseId))
      .map((v) => (v.enterpriseId === undefined ? { ...v, certificateIds: [], message: v.code } : v)),
    lineage: report.lineage.map((row) => ({ ...row, items: row.items.filter((i) => visible(i.enterpriseId)), certificates: [] })),
    withheldEnterprises: hidden,
  };
}
