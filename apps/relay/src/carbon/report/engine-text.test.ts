import { CERTIFICATE_VIOLATION_CODES, computeParkCarbon, type ParkCarbonResult } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { engineText } from './engine-text.js';

const src = { type: 'manual', note: 'test' } as const;
const grid = (mwh: number) => ({ kind: 'electricity', flow: 'grid_import', quantity: mwh, unit: 'MWh', source: src });
const cert = (id: string, mwh: number, enterprise: string, extra: object = {}) => ({
  id,
  kind: 'GEC',
  mwh,
  vintage: '2025-02',
  enterprise,
  source: src,
  ...extra,
});
const input = (certificates: object[], activities: object[] = [grid(100)]) => ({
  schema: 'zcp.carbon.activity/v1',
  park: { id: 'p' },
  period: { from: '2025-03', to: '2025-03' },
  enterprises: [
    { id: 'a', activities: [...activities, { kind: 'electricity', flow: 'direct_green', facilityId: 'wind-1', quantity: 10, unit: 'MWh', source: src }] },
    { id: 'b', activities: [grid(50)] },
  ],
  certificates,
});

/** Every sentence the engine can write into a report: all violation codes, both IND-1 flags, every not-computable reason. */
function everySentence(): { results: ParkCarbonResult[]; sentences: string[] } {
  const results = [
    computeParkCarbon(
      input([
        cert('DUP', 1, 'a'),
        cert('DUP', 1, 'a'),
        cert('SHARED', 1, 'a'),
        cert('SHARED', 1, 'b'),
        cert('OLD', 1, 'a'),
        cert('FUT', 1, 'a', { vintage: '2025-05' }),
        cert('EXP', 1, 'a', { vintage: '2020-01' }),
        cert('FAC', 1, 'a', { facilityId: 'wind-1' }),
        cert('BIG', 500, 'b'),
      ]),
      { previouslyRetiredCertificateIds: ['OLD'] },
    ),
    computeParkCarbon(input([cert('G1', 5, 'a')]), {
      parameterOverrides: [
        { id: 'elec.park_method_factor_t_per_mwh', value: '0.5306', factorId: 'cn-grid-mee-nbs@2023:elec.national.average', source: 'test' },
      ],
    }),
    computeParkCarbon({ ...input([], []), enterprises: [{ id: 'z', activities: [] }] }),
  ];
  const sentences = results.flatMap((r) => [
    ...r.certificates.violations.map((v) => v.message),
    ...r.indicators.core.flags,
    ...(r.indicators.core.reason ? [r.indicators.core.reason] : []),
    ...r.indicators.guiding.flatMap((g) => (g.reason ? [g.reason] : [])),
    ...(r.indicators.directSupplyShare.reason ? [r.indicators.directSupplyShare.reason] : []),
  ]);
  return { results, sentences };
}

describe('engine sentences in the Chinese report', () => {
  it('covers every certificate violation code (a new code without Chinese fails here)', () => {
    const { results } = everySentence();
    const seen = new Set(results.flatMap((r) => r.certificates.violations.map((v) => v.code)));
    expect([...seen].sort()).toEqual([...CERTIFICATE_VIOLATION_CODES].sort());
  });

  it('turns every engine sentence into Chinese, keeping its ids and figures', () => {
    const { sentences } = everySentence();
    expect(sentences.length).toBeGreaterThan(12);
    for (const s of sentences) {
      const zh = engineText(s, 'zh');
      expect(zh, s).not.toBe(s);
      expect(zh, s).toMatch(/[\u4e00-\u9fff]/);
      for (const token of s.match(/\b[A-Z][A-Z0-9-]+\b|\d+(?:[.,-]\d+)*/g) ?? []) {
        if (['AVERAGE', 'GJ', '200,000', '0.2', '2'].includes(token)) continue;
        expect(zh, `${s} → ${zh}`).toContain(token);
      }
    }
    expect(engineText(sentences[0] ?? '', 'en')).toBe(sentences[0]);
    expect(engineText('something new', 'zh')).toBe('something new');
  });
});
