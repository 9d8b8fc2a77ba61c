import { describe, expect, it } from 'vitest';
import { computeParkCarbon } from './compute-park-carbon.js';
import { dec } from './decimal.js';

const metered = { type: 'metered' as const, note: 'grid meter rollup' };
const manual = { type: 'manual' as const, note: 'purchase invoices' };
const CALORIFIC = [{ id: 'elec.equivalent_value_kgce_per_kwh' as const, value: '0.1229', source: 'reference worked example placeholder' }];
const to2 = (v: string) => dec(v).toFixed(2);

/** Example A of the reference: one month, one enterprise. */
const exampleA = (extra: Record<string, unknown> = {}) => ({
  schema: 'zcp.carbon.activity/v1',
  park: { id: 'demo' },
  period: { from: '2025-01', to: '2025-01' },
  enterprises: [
    {
      id: 'cement',
      activities: [
        { id: 'grid', kind: 'electricity', flow: 'grid_import', quantity: 1200, unit: 'MWh', source: metered },
        { id: 'gas', kind: 'fuel', fuel: 'natural_gas', quantity: 50000, unit: 'Nm3', use: 'end_use', source: metered },
        { id: 'diesel', kind: 'fuel', fuel: 'diesel', quantity: 20, unit: 't', use: 'end_use', source: manual },
        { id: 'clinker', kind: 'process', product: 'cement_clinker', quantity: 1000, unit: 't', source: manual },
      ],
    },
  ],
  certificates: [{ id: 'GEC-1', kind: 'GEC', mwh: 300, vintage: '2024-12', enterprise: 'cement', source: manual }],
  parameters: CALORIFIC,
  ...extra,
});

describe('computeParkCarbon — worked examples of the reference', () => {
  it('CARB-PM-1 CARB-PM-4 CARB-PM-5 CARB-TCE-1 CARB-IND-1 CARB-IND-2: example A — 1,426.28 t, 243.12 tce, 5.87 t/tce, no band', () => {
    const r = computeParkCarbon(exampleA());
    const pm = r.parkMethod;
    expect(pm.E_elec.value).toBe('749.25');
    expect(to2(pm.E_fuel.value)).toBe('170.03'); // 108.1095 + 61.9182
    expect(to2(pm.E_energy.value)).toBe('919.28');
    expect(pm.E_process.value).toBe('507');
    expect(to2(pm.E_park.value)).toBe('1426.28');
    expect(pm.E_park.value).toBe('1426.2777');
    expect(r.energy.electricity.value).toBe('147.48');
    expect(r.energy.fuels.value).toBe('95.642');
    expect(to2(r.energy.total.value)).toBe('243.12');
    const core = r.indicators.core;
    expect(core.intensity && to2(core.intensity.value)).toBe('5.87');
    expect(core.status).toBe('fail');
    expect(core.band).toBe('no_band');
    expect(core.threshold).toBe('0.2');
    expect(dec(core.annualTce).toFixed(0)).toBe('2917');
    expect(core.flags.join(' ')).toMatch(/below 200,000 tce/);
    expect(r.valid).toBe(true);
    expect(r.certificates.applied).toEqual([{ enterpriseId: 'cement', mwh: '300', certificateIds: ['GEC-1'] }]);
  });

  it('CARB-GHG-1 CARB-GHG-2 CARB-GHG-3: example B — scope 1 677.03 t, scope 2 location 636.72 t, market 548.64 t', () => {
    const g = computeParkCarbon(exampleA()).ghgProtocol;
    expect(to2(g.scope1.value)).toBe('677.03');
    expect(g.scope2LocationBased.value).toBe('636.72');
    expect(g.scope2MarketBased.value).toBe('548.64');
    expect(g.residualMixNote).toMatch(/proxy/);
  });

  it('CARB-LIN-1 CARB-LIN-2 CARB-LIN-3: every figure names its items with sources, factor datasets and parameters', () => {
    const r = computeParkCarbon(exampleA());
    const l = r.parkMethod.E_park.lineage;
    expect(l.items.map((i) => i.itemId).sort()).toEqual(['clinker', 'diesel', 'gas', 'grid']);
    expect(l.items.find((i) => i.itemId === 'grid')?.source).toEqual(metered);
    expect(l.factors.map((f) => f.ref).sort()).toEqual(['cn-fuel-defaults@2025.1:fuel.diesel', 'cn-fuel-defaults@2025.1:fuel.natural_gas']);
    expect(l.parameters.find((p) => p.id === 'elec.park_method_factor_t_per_mwh')).toMatchObject({ value: '0.8325', overridden: false });
    expect(l.parameters.find((p) => p.id === 'process.clinker_factor_t_per_t')).toMatchObject({ unconfirmed: true });
    expect(l.certificates).toEqual(['GEC-1']);
    const eq = r.energy.total.lineage.parameters.find((p) => p.id === 'elec.equivalent_value_kgce_per_kwh');
    expect(eq).toMatchObject({ value: '0.1229', overridden: true });
    expect(r.parameters.find((p) => p.id === 'elec.equivalent_value_kgce_per_kwh')).toMatchObject({ defaultValue: '0.3', overridden: true });
  });
});
