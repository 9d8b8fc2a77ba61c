import { type Dec, dec, ZERO } from './decimal.js';
import { type Figure, figure, LineageBuilder } from './lineage.js';
import { type LocatedItem, lineageItemOf } from './park-method.js';

/** IND-1 thresholds by annual comprehensive energy consumption (Annex 3). */
export const IND1_BAND_LOWER_TCE = '200000';
export const IND1_BAND_UPPER_TCE = '1000000';
export const IND1_THRESHOLD_MID = '0.2';
export const IND1_THRESHOLD_LARGE = '0.3';

export type Ind1Band = 'large' | 'mid' | 'no_band';

export interface CoreIndicator {
  id: 'IND-1';
  status: 'pass' | 'fail' | 'not_computable';
  /** tCO2/tce, 40 significant digits; round for display only. */
  intensity?: Figure;
  annualTce: string;
  /** Annual tce was extrapolated from a shorter period (× 12 / months). */
  annualised: boolean;
  band: Ind1Band;
  threshold: string;
  /** Below 200,000 tce no threshold is defined: compared with 0.2 and flagged (CARB-IND-2). */
  flags: string[];
  reason?: string;
}

/** Band by annual tce (CARB-IND-2): ≥ 1,000,000 → ≤ 0.3; ≥ 200,000 → ≤ 0.2; below → no band, compared with 0.2. */
export function selectBand(annualTce: Dec): { band: Ind1Band; threshold: string } {
  if (annualTce.gte(IND1_BAND_UPPER_TCE)) return { band: 'large', threshold: IND1_THRESHOLD_LARGE };
  if (annualTce.gte(IND1_BAND_LOWER_TCE)) return { band: 'mid', threshold: IND1_THRESHOLD_MID };
  return { band: 'no_band', threshold: IND1_THRESHOLD_MID };
}

/** IND-1 单位能耗碳排放 = E_park / comprehensive energy consumption (CARB-IND-1..3). */
export function coreIndicator(ePark: Figure, tce: Figure, months: number): CoreIndicator {
  const total = dec(tce.value);
  const annual = total.times(12).dividedBy(months);
  const { band, threshold } = selectBand(annual);
  const flags: string[] = [];
  if (months !== 12) flags.push(`annual consumption extrapolated from ${months} month(s)`);
  if (band === 'no_band') flags.push('annual consumption below 200,000 tce: no threshold defined, compared with 0.2');
  const base = { id: 'IND-1' as const, annualTce: annual.toFixed(), annualised: months !== 12, band, threshold, flags };
  if (!total.gt(0)) return { ...base, status: 'not_computable', reason: 'comprehensive energy consumption is not positive' };
  const intensity = dec(ePark.value).dividedBy(total);
  return {
    ...base,
    status: intensity.lte(threshold) ? 'pass' : 'fail',
    intensity: figure(intensity, 'tCO2/tce', new LineageBuilder().merge(ePark.lineage).merge(tce.lineage)),
  };
}

export type GuidingIndicatorId = 'IND-2' | 'IND-3' | 'IND-4' | 'IND-5' | 'IND-6';
export interface GuidingIndicator {
  id: GuidingIndicatorId;
  status: 'pass' | 'fail' | 'not_computable' | 'exempt';
  /** A share as a fraction (0.9 = 90%). */
  value?: Figure;
  threshold: string;
  reason?: string;
  /** IND-3: products above their grade-2 limit. */
  failing?: string[];
}

export const GUIDING_THRESHOLDS: Readonly<Record<GuidingIndicatorId, string>> = {
  'IND-2': '0.9',
  'IND-3': 'grade 2',
  'IND-4': '0.8',
  'IND-5': '0.5',
  'IND-6': '0.8',
};

const ratio = (id: GuidingIndicatorId, num: Dec, den: Dec, l: LineageBuilder, missing: string): GuidingIndicator => {
  const threshold = GUIDING_THRESHOLDS[id];
  if (!den.gt(0)) return { id, status: 'not_computable', threshold, reason: missing };
  const v = num.dividedBy(den);
  return { id, status: v.gte(threshold) ? 'pass' : 'fail', value: figure(v, 'fraction', l), threshold };
};

/** IND-2..IND-6 from their inputs; missing inputs make an indicator "not computable" with the reason (CARB-IND-4). */
export function guidingIndicators(
  items: readonly LocatedItem[],
  clean: { cleanTce: Dec; totalTce: Figure },
  exemptions: readonly { indicator: GuidingIndicatorId; reason: string }[],
): GuidingIndicator[] {
  const sums = { wasteGen: ZERO, wasteUse: ZERO, heatAvail: ZERO, heatUse: ZERO, intake: ZERO, reused: ZERO };
  const l = { waste: new LineageBuilder(), heat: new LineageBuilder(), water: new LineageBuilder(), product: new LineageBuilder() };
  const failing: string[] = [];
  let products = 0;
  for (const i of items) {
    if (i.kind === 'solid_waste') {
      sums.wasteGen = sums.wasteGen.plus(dec(i.generatedT));
      sums.wasteUse = sums.wasteUse.plus(dec(i.utilisedT));
      l.waste.item(lineageItemOf(i));
    } else if (i.kind === 'waste_heat') {
      sums.heatAvail = sums.heatAvail.plus(dec(i.availableGj));
      sums.heatUse = sums.heatUse.plus(dec(i.utilisedGj));
      l.heat.item(lineageItemOf(i));
    } else if (i.kind === 'water') {
      sums.intake = sums.intake.plus(dec(i.intakeM3));
      sums.reused = sums.reused.plus(dec(i.reusedM3));
      l.water.item(lineageItemOf(i));
    } else if (i.kind === 'product_energy') {
      products++;
      l.product.item(lineageItemOf(i));
      const output = dec(i.output);
      const kgcePerUnit = output.gt(0) ? dec(i.energyTce).times(1000).dividedBy(output) : undefined;
      if (!kgcePerUnit || kgcePerUnit.gt(dec(i.grade2LimitKgcePerUnit))) failing.push(`${i.enterpriseId}/${i.itemId} ${i.product} (${i.standard})`);
    }
  }
  const totalTce = dec(clean.totalTce.value);
  const out: GuidingIndicator[] = [
    ratio('IND-2', clean.cleanTce, totalTce, new LineageBuilder().merge(clean.totalTce.lineage), 'comprehensive energy consumption is not positive'),
    products === 0
      ? { id: 'IND-3', status: 'not_computable', threshold: GUIDING_THRESHOLDS['IND-3'], reason: 'no product_energy items (output, energy, grade-2 limit)' }
      : {
          id: 'IND-3',
          status: failing.length === 0 ? 'pass' : 'fail',
          threshold: GUIDING_THRESHOLDS['IND-3'],
          value: figure(dec(products - failing.length).dividedBy(products), 'fraction of products at or better than grade 2', l.product),
          failing,
        },
    ratio('IND-4', sums.wasteUse, sums.wasteGen, l.waste, 'no solid_waste items with generated tonnes'),
    ratio('IND-5', sums.heatUse, sums.heatAvail, l.heat, 'no waste_heat items with available GJ'),
    // 重复利用率 = reused / (reused + fresh intake)
    ratio('IND-6', sums.reused, sums.reused.plus(sums.intake), l.water, 'no water items with intake or reuse'),
  ];
  return out.map((ind) => {
    const ex = exemptions.find((e) => e.indicator === ind.id);
    return ex ? { ...ind, status: 'exempt', reason: ex.reason } : ind;
  });
}
