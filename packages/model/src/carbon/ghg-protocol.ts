import { type Dec, dec } from './decimal.js';
import { type Figure, figure, LineageBuilder } from './lineage.js';
import { type ParameterSet, parameterValue } from './parameters.js';
import type { EnterpriseParkMethod, LocatedItem } from './park-method.js';
import { lineageItemOf } from './park-method.js';

/** The GHG Protocol view of one enterprise (CARB-GHG-1..4), separate from the park method. */
export interface GhgProtocolView {
  scope1: Figure;
  scope2LocationBased: Figure;
  scope2MarketBased: Figure;
  /** Market-based uses a residual-mix PROXY (the national factor excluding market-traded non-fossil power). */
  residualMixNote: string;
}

export const RESIDUAL_MIX_NOTE =
  'market-based: electricity without contractual instruments at the national factor excluding market-traded non-fossil power, used as a residual-mix proxy (China publishes no residual mix)';

export function ghgProtocolOfEnterprise(items: readonly LocatedItem[], pm: EnterpriseParkMethod, parameters: ParameterSet): GhgProtocolView {
  const scope1 = figure(
    dec(pm.E_fuel.value).plus(pm.E_conversion.value).plus(pm.E_process.value),
    'tCO2',
    new LineageBuilder().merge(pm.E_fuel.lineage).merge(pm.E_conversion.lineage).merge(pm.E_process.lineage),
  );
  // Purchased heat is scope 2 under both methods, net of heat passed on, as in the park method.
  const heat = dec(pm.E_heat.value);
  const heatL = new LineageBuilder().merge(pm.E_heat.lineage);
  const e = pm.electricity;
  const loc = parameters['ghg.location_factor_t_per_mwh'];
  const res = parameters['ghg.residual_factor_t_per_mwh'];
  const elecItems = new LineageBuilder();
  for (const i of items) if (i.kind === 'electricity') elecItems.item(lineageItemOf(i));
  const location: Dec = e.gridImportMwh.times(parameterValue(parameters, 'ghg.location_factor_t_per_mwh')).plus(heat);
  const market: Dec = e.gridImportMwh
    .minus(e.certificateCoveredMwh)
    .plus(e.pvSoldMwh)
    .times(parameterValue(parameters, 'ghg.residual_factor_t_per_mwh'))
    .plus(heat);
  return {
    scope1,
    scope2LocationBased: figure(location, 'tCO2', new LineageBuilder().merge(elecItems.build()).merge(heatL.build()).parameter(loc)),
    scope2MarketBased: figure(market, 'tCO2', new LineageBuilder().merge(pm.E_elec.lineage).merge(heatL.build()).parameter(res)),
    residualMixNote: RESIDUAL_MIX_NOTE,
  };
}
