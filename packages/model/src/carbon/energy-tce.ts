import { type Dec, dec, ZERO } from './decimal.js';
import { CarbonInputError } from './errors.js';
import type { FactorLibrary } from './factors/library.js';
import { type Figure, figure, LineageBuilder } from './lineage.js';
import { type ParameterSet, parameterValue } from './parameters.js';
import type { ElectricityBalance } from './park-method.js';
import { fuelQuantity, type LocatedItem, lineageItemOf } from './park-method.js';
import { toBaseUnit } from './units.js';

/** GB/T 2589-2020: heat 0.03412 tce/GJ (1 kgce = 29,307 kJ). */
export const HEAT_TCE_PER_GJ = '0.03412';
/** GB/T 2589 calorific value (当量值) of electricity, tce/MWh — NOT the method's choice (CARB-TCE-2). */
export const ELECTRICITY_CALORIFIC_TCE_PER_MWH = '0.1229';

export interface EnterpriseEnergy {
  total: Figure;
  electricity: Figure;
  heat: Figure;
  fuels: Figure;
  /** Non-fossil electricity (direct, own PV with its certificates, certificate-covered) and non-fossil heat, tce (IND-2). */
  clean: Dec;
  /** Gross consumption (imports and inputs, before exports and outputs) whose data is metered, tce (CARB-TCE-4). */
  consumptionMetered: Figure;
  /** …and whose data was entered by hand. */
  consumptionManual: Figure;
}

/**
 * Comprehensive energy consumption of one enterprise in tce (CARB-TCE-1..4): electricity at
 * the equivalent-value parameter, every other carrier by its GB/T 2589 coefficient, net of
 * what leaves the boundary.
 */
export function energyOfEnterprise(
  items: readonly LocatedItem[],
  elec: ElectricityBalance,
  library: FactorLibrary,
  parameters: ParameterSet,
): EnterpriseEnergy {
  const eq = parameterValue(parameters, 'elec.equivalent_value_kgce_per_kwh'); // kgce/kWh = tce/MWh
  const elecL = new LineageBuilder().parameter(parameters['elec.equivalent_value_kgce_per_kwh']);
  const consumedMwh = elec.gridImportMwh.plus(elec.directGreenMwh).plus(elec.pvSelfMwh).minus(elec.fossilExportMwh);
  const heatL = new LineageBuilder();
  const fuelL = new LineageBuilder();
  let heatGj = ZERO;
  let cleanHeatGj = ZERO;
  let fuelTce = ZERO;
  const gross = { metered: { tce: ZERO, lineage: new LineageBuilder() }, manual: { tce: ZERO, lineage: new LineageBuilder() } };
  const consumed = (i: LocatedItem, tce: Dec) => {
    const g = gross[i.source.type];
    g.tce = g.tce.plus(tce);
    g.lineage.item(lineageItemOf(i));
  };
  for (const i of items) {
    const path = `${i.enterpriseId}/${i.itemId}`;
    if (i.kind === 'electricity') {
      elecL.item(lineageItemOf(i));
      if (i.flow !== 'grid_export') consumed(i, toBaseUnit(dec(i.quantity), i.unit).times(eq));
    } else if (i.kind === 'heat') {
      const gj = toBaseUnit(dec(i.quantity), i.unit);
      const signed = i.flow === 'import' ? gj : gj.negated();
      heatGj = heatGj.plus(signed);
      if (i.origin === 'non_fossil') cleanHeatGj = cleanHeatGj.plus(signed);
      if (i.flow === 'import') consumed(i, gj.times(dec(HEAT_TCE_PER_GJ)));
      heatL.item(lineageItemOf(i));
    } else if (i.kind === 'fuel' || i.kind === 'conversion') {
      const amounts = i.kind === 'fuel' ? [{ ...i, sign: 1 }] : [...i.inputs.map((a) => ({ ...a, sign: 1 })), ...i.outputs.map((a) => ({ ...a, sign: -1 }))];
      for (const a of amounts) {
        const { factor, baseQuantity } = fuelQuantity(library, a.fuel, dec(a.quantity), a.unit, path);
        if (factor.tcePerUnit === undefined) {
          throw new CarbonInputError('missing_tce_coefficient', `fuel "${a.fuel}" has no tce coefficient (${path}): give tcePerUnit with the factor`, [path]);
        }
        const tce = baseQuantity.times(dec(factor.tcePerUnit));
        fuelTce = a.sign > 0 ? fuelTce.plus(tce) : fuelTce.minus(tce);
        if (a.sign > 0) consumed(i, tce);
        fuelL.factor(factor);
      }
      fuelL.item(lineageItemOf(i));
    }
  }
  const elecTce = consumedMwh.times(eq);
  const heatTce = heatGj.times(dec(HEAT_TCE_PER_GJ));
  const greenMwh = elec.directGreenMwh.plus(elec.pvSelfMwh).minus(elec.pvSoldMwh).plus(elec.certificateCoveredMwh);
  const electricity = figure(elecTce, 'tce', elecL);
  const heat = figure(heatTce, 'tce', heatL);
  const fuels = figure(fuelTce, 'tce', fuelL);
  return {
    electricity,
    heat,
    fuels,
    total: figure(elecTce.plus(heatTce).plus(fuelTce), 'tce', new LineageBuilder().merge(electricity.lineage).merge(heat.lineage).merge(fuels.lineage)),
    clean: greenMwh.times(eq).plus(cleanHeatGj.times(dec(HEAT_TCE_PER_GJ))),
    consumptionMetered: figure(gross.metered.tce, 'tce', gross.metered.lineage),
    consumptionManual: figure(gross.manual.tce, 'tce', gross.manual.lineage),
  };
}
