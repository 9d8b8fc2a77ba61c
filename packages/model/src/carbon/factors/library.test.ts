import { describe, expect, it } from 'vitest';
import { dec } from '../decimal.js';
import { FUEL_IDS, FUELS, fuelFactor } from './fuels.js';
import { createFactorLibrary } from './library.js';

describe('emission-factor library', () => {
  it.each(FUEL_IDS)('CARB-EF-1 CARB-EF-2: %s factor computed from NCV × C × oxidation × 44/12 matches the table', (id) => {
    const spec = FUELS[id];
    const computed = fuelFactor(spec);
    const table = dec(spec.tableFactorTPerUnit);
    const halfUlp = dec(10)
      .pow(-(spec.tableFactorTPerUnit.split('.')[1]?.length ?? 0))
      .dividedBy(2);
    expect(computed.minus(table).abs().lte(halfUlp)).toBe(true);
  });

  it('CARB-EF-1: the worked-example constants are the computed factors (gas 2.16219 kg/Nm³, diesel 3.09591 t/t)', () => {
    expect(fuelFactor(FUELS.natural_gas).toFixed()).toBe('0.00216219');
    expect(fuelFactor(FUELS.diesel).toFixed()).toBe('3.09591');
  });

  it('CARB-EF-3: versioned grid datasets and carbonate factors by molar mass', () => {
    const lib = createFactorLibrary();
    expect(lib.find('cn-grid-mee-nbs@2022:elec.national.fossil')?.value).toBe('0.8325');
    expect(lib.find('elec.national.average')).toMatchObject({ value: '0.5306', datasetVersion: '2023', kind: 'grid_average' });
    expect(lib.find('cn-grid-mee-nbs@2023:elec.national.residual_proxy')?.value).toBe('0.6096');
    expect(lib.find('cn-grid-mee-nbs@2022:elec.province.yunnan.average')?.value).toBe('0.1073');
    expect(lib.find('process.caco3')?.value).toBe('0.4397');
    expect(lib.find('process.mgco3')?.value).toBe('0.522');
    expect(lib.find('process.dolomite')?.value).toBe('0.4773');
  });

  it('CARB-EF-4: a user factor with its source shadows a built-in of the same id', () => {
    const lib = createFactorLibrary([
      { id: 'fuel.raw_coal', value: '1.85', perUnit: 't', kind: 'fuel', source: 'measured 2025 lab report', year: 2025, tcePerUnit: '0.7' },
    ]);
    expect(lib.find('fuel.raw_coal')).toMatchObject({ value: '1.85', datasetId: 'user', source: 'measured 2025 lab report' });
    expect(lib.find('cn-fuel-defaults@2025.1:fuel.raw_coal')?.value).toBe('1.90030'.replace(/0+$/, ''));
  });
});
