import { computeParkCarbon } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { buildDeclarationReport } from './build-report.js';
import { divideDecimalText, groupDigits, percentText, roundDecimalText } from './decimal-text.js';
import { exampleInput, exampleReport, GENERATED_AT } from './fixtures.test-helper.js';

describe('buildDeclarationReport', () => {
  it('copies the core indicator (CARB-IND-1..2): intensity, threshold, band, status and flags', () => {
    const r = exampleReport();
    expect(r.schema).toBe('zcp.carbon.declaration-report/v1');
    expect(r.generatedAt).toBe(GENERATED_AT.toISOString());
    expect(r.period).toEqual({ from: '2025-01', to: '2025-12', months: 12 });
    expect(r.summary.band).toBe('no_band');
    expect(r.summary.threshold).toBe('0.2');
    expect(r.summary.status).toBe('fail');
    expect(r.summary.annualised).toBe(false);
    expect(r.summary.intensity).toMatch(/^\d+\.\d{4}$/);
    expect(r.summary.flags.join(' ')).toContain('低于 20 万 tce'); // the engine's flag, in the report's language
    expect(exampleReport('en').summary.flags.join(' ')).toContain('below 200,000 tce');
    expect(r.sources.map((s) => s.key)).toContain('E_park');
    expect(r.summary.emissionsT).toBe(r.sources.find((s) => s.key === 'E_park')?.valueT);
  });

  it('lists the guiding indicators IND-2..6 with thresholds', () => {
    const r = exampleReport();
    expect(r.guiding.map((g) => g.id)).toEqual(['IND-2', 'IND-3', 'IND-4', 'IND-5', 'IND-6']);
    expect(r.guiding.find((g) => g.id === 'IND-2')?.threshold).toBe('0.9');
    expect(r.guiding.find((g) => g.id === 'IND-4')?.status).toBe('not_computable');
  });

  it('sorts the monthly trend and sums back to the year exactly', () => {
    const r = exampleReport();
    expect(r.monthly.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`));
    // Energy is additive over months (CARB-AGG); compare as scaled integers, not floats.
    const toMicro = (s: string) => BigInt(roundDecimalText(s, 6).replace('.', ''));
    const sum = r.monthly.reduce((acc, m) => acc + toMicro(m.energyTce), 0n);
    expect(sum).toBe(toMicro(r.summary.energyTce));
  });

  it('breaks emissions down by enterprise with shares', () => {
    const r = exampleReport();
    expect(r.enterprises).toHaveLength(1);
    expect(r.enterprises[0]).toMatchObject({ id: 'cement', name: '水泥厂', share: '1.000000' });
  });

  it('CARB-TCE-4: coverage is the share of consumption (tce) that is metered, with the item counts beside it', () => {
    const r = exampleReport();
    // The year is 12.4 × the example month (seasonal percents sum to 1240).
    // Metered: grid 1,200 MWh × 0.1229 (the example's override) + gas 5 ×10^4 Nm3 × 13.3 = 213.98 tce → 2,653.352.
    // Manual: diesel 20 t × 1.4571 = 29.142 tce → 361.3608 (clinker is process, not energy).
    const expected = { meteredTce: '2653.352', manualTce: '361.3608', meteredShare: '0.880134', meteredItems: 24, manualItems: 24 };
    expect(r.coverage).toMatchObject(expected);
    expect(r.coverage.byEnterprise).toEqual([{ id: 'cement', name: '水泥厂', ...expected }]);
  });

  it('flags overridden parameters and lists factor sources (CARB-PAR-4)', () => {
    const r = exampleReport();
    const overridden = r.parameters.filter((p) => p.overridden).map((p) => p.id);
    expect(overridden).toEqual(['elec.equivalent_value_kgce_per_kwh']);
    expect(r.parameters.some((p) => p.unconfirmed)).toBe(true);
    expect(r.factors.map((f) => f.ref)).toContain('cn-fuel-defaults@2025.1:fuel.diesel');
    expect(r.factors.every((f) => f.source.length > 0)).toBe(true);
    expect(r.factorDatasets.length).toBeGreaterThan(0);
  });

  it('reports certificate violations (CARB-CERT)', () => {
    const input = exampleInput();
    input.certificates = [{ id: 'GEC-OLD', kind: 'GEC', mwh: 10, vintage: '2020-01', enterprise: 'cement', source: { type: 'manual', note: 'old' } }];
    const year = computeParkCarbon(input);
    const r = buildDeclarationReport({ year, months: [year], lang: 'en', generatedAt: GENERATED_AT });
    expect(r.valid).toBe(year.valid);
    expect(r.violations.map((v) => v.certificateIds)).toContainEqual(['GEC-OLD']);
  });

  it('keeps a lineage row per park-method source and for energy', () => {
    const r = exampleReport();
    const park = r.lineage.find((l) => l.figure === 'E_park');
    expect(park?.items.length).toBe(48);
    expect(r.lineage.find((l) => l.figure === 'energy')?.unit).toBe('tce');
  });
});

describe('decimal text helpers', () => {
  it('rounds half away from zero on the digits', () => {
    expect(roundDecimalText('0.12345', 4)).toBe('0.1235');
    expect(roundDecimalText('-2.5', 0)).toBe('-3');
    expect(roundDecimalText('-0.0001', 2)).toBe('0.00');
    expect(roundDecimalText('1e3', 1)).toBe('1000.0');
    expect(groupDigits('1234567.891')).toBe('1,234,567.891');
    expect(percentText('0.915')).toBe('91.5%');
    expect(percentText('1')).toBe('100.0%');
    expect(divideDecimalText('1', '3', 4)).toBe('0.3333');
    expect(divideDecimalText('2', '0', 4)).toBeUndefined();
  });
});
