import type { ActivityItem } from './activity-schema.js';
import type { CertificateCoverage } from './certificates.js';
import { type Dec, dec, ZERO } from './decimal.js';
import { CarbonInputError } from './errors.js';
import { FUELS, type FuelId, fuelFactor } from './factors/fuels.js';
import type { EmissionFactor, FactorLibrary } from './factors/library.js';
import { type Figure, figure, LineageBuilder, type LineageItem } from './lineage.js';
import { type ParameterSet, parameterValue } from './parameters.js';
import { toBaseUnit, UNITS, type Unit } from './units.js';

/** An activity item with the enterprise and id it is known by in lineage. */
export type LocatedItem = ActivityItem & { itemId: string; enterpriseId: string };

export const lineageItemOf = (i: LocatedItem): LineageItem => ({ enterpriseId: i.enterpriseId, itemId: i.itemId, kind: i.kind, source: i.source });

/** The factor of a fuel in tCO2 per base unit and the quantity in that unit (CARB-UNIT-1). */
export function fuelQuantity(library: FactorLibrary, fuel: string, quantity: Dec, unit: Unit, path: string): { factor: EmissionFactor; baseQuantity: Dec } {
  const factor = library.find(fuel) ?? library.find(`fuel.${fuel}`);
  if (!factor) throw new CarbonInputError('unknown_factor', `no factor for fuel "${fuel}" (${path}): add it to factors with its source`, [path]);
  if (UNITS[unit].base !== factor.perUnit) {
    throw new CarbonInputError('unit_mismatch', `fuel "${fuel}" is accounted per ${factor.perUnit}; ${unit} cannot be converted (${path})`, [path]);
  }
  return { factor, baseQuantity: toBaseUnit(quantity, unit) };
}

/** Conversion activities burn at 100% oxidation (CARB-PM-3): recompute built-in factors with oxidation 1. */
function conversionFactor(factor: EmissionFactor): Dec {
  const builtIn = factor.id.startsWith('fuel.') ? FUELS[factor.id.slice(5) as FuelId] : undefined;
  return builtIn && factor.datasetId !== 'user' ? fuelFactor(builtIn, dec(1)) : dec(factor.value);
}

export interface ElectricityBalance {
  gridImportMwh: Dec;
  fossilExportMwh: Dec;
  nonFossilExportMwh: Dec;
  directGreenMwh: Dec;
  pvSelfMwh: Dec;
  /** PV self-consumption whose certificates were sold: grey (CARB-CERT-6). */
  pvSoldMwh: Dec;
  certificateCoveredMwh: Dec;
  /** Grid import not covered by certificates plus PV whose certificates were sold. */
  greyMwh: Dec;
}

export interface EnterpriseParkMethod {
  E_fuel: Figure;
  E_conversion: Figure;
  E_elec: Figure;
  E_heat: Figure;
  E_indirect: Figure;
  E_energy: Figure;
  E_process: Figure;
  E_park: Figure;
  /** International bunkers: listed, never added (CARB-PM-6). */
  bunkers: Figure;
  electricity: ElectricityBalance;
  /** Net exports of electricity exceed imports (E_elec < 0): shown, not clipped (CARB-PM-4). */
  netElectricityExport: boolean;
}

const T = 'tCO2';

/** Grid import MWh of an enterprise's items (what certificates may cover). */
export const gridImportOf = (items: readonly LocatedItem[]): Dec =>
  items.reduce((s, i) => (i.kind === 'electricity' && i.flow === 'grid_import' ? s.plus(toBaseUnit(dec(i.quantity), i.unit)) : s), ZERO);

/**
 * One enterprise by the park method (发改环资〔2025〕910号 Annex 4):
 * `E_park = E_fuel + E_conversion + E_indirect + E_process` (CARB-PM-1..7).
 */
export function accountEnterprise(
  items: readonly LocatedItem[],
  library: FactorLibrary,
  parameters: ParameterSet,
  coverage: CertificateCoverage | undefined,
): EnterpriseParkMethod {
  const fuel = { v: ZERO, l: new LineageBuilder() };
  const conv = { v: ZERO, l: new LineageBuilder() };
  const heat = { v: ZERO, l: new LineageBuilder() };
  const proc = { v: ZERO, l: new LineageBuilder() };
  const bunk = { v: ZERO, l: new LineageBuilder() };
  const elecL = new LineageBuilder();
  const bal = { gridImportMwh: ZERO, fossilExportMwh: ZERO, nonFossilExportMwh: ZERO, directGreenMwh: ZERO, pvSelfMwh: ZERO, pvSoldMwh: ZERO };

  for (const i of items) {
    const path = `${i.enterpriseId}/${i.itemId}`;
    switch (i.kind) {
      case 'electricity': {
        const mwh = toBaseUnit(dec(i.quantity), i.unit);
        elecL.item(lineageItemOf(i));
        if (i.flow === 'grid_import') bal.gridImportMwh = bal.gridImportMwh.plus(mwh);
        else if (i.flow === 'grid_export') {
          if (i.origin === 'fossil') bal.fossilExportMwh = bal.fossilExportMwh.plus(mwh);
          else bal.nonFossilExportMwh = bal.nonFossilExportMwh.plus(mwh);
        } else if (i.flow === 'direct_green') bal.directGreenMwh = bal.directGreenMwh.plus(mwh);
        else {
          bal.pvSelfMwh = bal.pvSelfMwh.plus(mwh);
          if (i.certificatesSold) bal.pvSoldMwh = bal.pvSoldMwh.plus(mwh);
        }
        break;
      }
      case 'heat': {
        const gj = toBaseUnit(dec(i.quantity), i.unit);
        let ef = ZERO;
        if (i.origin === 'fossil') {
          if (i.measuredFactorTPerGj !== undefined) ef = dec(i.measuredFactorTPerGj);
          else {
            ef = parameterValue(parameters, 'heat.default_fossil_factor_t_per_gj');
            heat.l.parameter(parameters['heat.default_fossil_factor_t_per_gj']);
          }
        }
        const e = gj.times(ef);
        heat.v = i.flow === 'import' ? heat.v.plus(e) : heat.v.minus(e);
        heat.l.item(lineageItemOf(i));
        break;
      }
      case 'fuel': {
        if (i.use === 'feedstock') break; // CARB-PM-2: feedstock is not combustion
        const { factor, baseQuantity } = fuelQuantity(library, i.fuel, dec(i.quantity), i.unit, path);
        fuel.v = fuel.v.plus(baseQuantity.times(dec(factor.value)));
        fuel.l.item(lineageItemOf(i)).factor(factor);
        break;
      }
      case 'conversion': {
        for (const [list, sign] of [
          [i.inputs, 1],
          [i.outputs, -1],
        ] as const) {
          for (const a of list) {
            const { factor, baseQuantity } = fuelQuantity(library, a.fuel, dec(a.quantity), a.unit, path);
            const e = baseQuantity.times(conversionFactor(factor));
            conv.v = sign > 0 ? conv.v.plus(e) : conv.v.minus(e);
            conv.l.factor(factor);
          }
        }
        conv.l.item(lineageItemOf(i));
        break;
      }
      case 'process': {
        const t = toBaseUnit(dec(i.quantity), i.unit);
        if (i.factorId) {
          const factor = library.find(i.factorId);
          if (!factor || factor.perUnit !== 't') throw new CarbonInputError('unknown_factor', `no per-tonne factor "${i.factorId}" (${path})`, [path]);
          proc.v = proc.v.plus(t.times(dec(factor.value)));
          proc.l.factor(factor);
        } else if (i.product === 'cement_clinker') {
          proc.v = proc.v.plus(t.times(parameterValue(parameters, 'process.clinker_factor_t_per_t')));
          proc.l.parameter(parameters['process.clinker_factor_t_per_t']);
        } else {
          throw new CarbonInputError(
            'unknown_factor',
            `process product "${i.product}" has no default factor (${path}): give factorId of a provincial-inventory, verification or mass-balance factor`,
            [path],
          );
        }
        proc.l.item(lineageItemOf(i));
        break;
      }
      case 'bunker': {
        const { factor, baseQuantity } = fuelQuantity(library, i.fuel, dec(i.quantity), i.unit, path);
        bunk.v = bunk.v.plus(baseQuantity.times(dec(factor.value)));
        bunk.l.item(lineageItemOf(i)).factor(factor);
        break;
      }
      default:
        break; // indicator inputs (IND-3..6) carry no emissions
    }
  }

  const covered = coverage?.coveredMwh ?? ZERO;
  const greyMwh = bal.gridImportMwh.minus(covered).plus(bal.pvSoldMwh);
  const ef = parameterValue(parameters, 'elec.park_method_factor_t_per_mwh');
  elecL.parameter(parameters['elec.park_method_factor_t_per_mwh']);
  for (const c of coverage?.certificateIds ?? []) elecL.certificate(c);
  const eElec = greyMwh.minus(bal.fossilExportMwh).times(ef);

  const E_fuel = figure(fuel.v, T, fuel.l);
  const E_conversion = figure(conv.v, T, conv.l);
  const E_elec = figure(eElec, T, elecL);
  const E_heat = figure(heat.v, T, heat.l);
  const E_indirect = figure(eElec.plus(heat.v), T, new LineageBuilder().merge(E_elec.lineage).merge(E_heat.lineage));
  const energy = fuel.v.plus(conv.v).plus(eElec).plus(heat.v);
  const E_energy = figure(energy, T, new LineageBuilder().merge(E_fuel.lineage).merge(E_conversion.lineage).merge(E_indirect.lineage));
  const E_process = figure(proc.v, T, proc.l);
  const E_park = figure(energy.plus(proc.v), T, new LineageBuilder().merge(E_energy.lineage).merge(E_process.lineage));
  return {
    E_fuel,
    E_conversion,
    E_elec,
    E_heat,
    E_indirect,
    E_energy,
    E_process,
    E_park,
    bunkers: figure(bunk.v, T, bunk.l),
    electricity: { ...bal, certificateCoveredMwh: covered, greyMwh },
    netElectricityExport: eElec.lt(0),
  };
}
