import { describe, expect, it } from 'vitest';
import { demoPark } from '../park/demo-park.js';
import type { Reading } from '../park/schema.js';
import { checkReading, createSanityChecker, defaultPointLimits } from './sanity.js';

const park = demoPark();
const limits = defaultPointLimits(park);
const pointOf = (tag: string) => {
  const p = park.points.find((x) => x.tag === tag);
  if (!p) throw new Error(`no point ${tag}`);
  return p;
};
const r = (pointId: number, ts: number, value: number, quality: Reading['quality'] = 'good'): Reading => ({ pointId, ts, value, quality });

describe('checkReading (pure)', () => {
  it('marks out-of-range values bad with a reason, keeping the value', () => {
    expect(checkReading(r(1, 0, 120), { min: 0, max: 100 }, undefined)).toEqual({ reading: r(1, 0, 120, 'bad'), reason: 'above_max' });
    expect(checkReading(r(1, 0, -1), { min: 0, max: 100 }, undefined)).toEqual({ reading: r(1, 0, -1, 'bad'), reason: 'below_min' });
    expect(checkReading(r(1, 0, 100), { min: 0, max: 100 }, undefined)).toEqual({ reading: r(1, 0, 100) });
  });

  it('uses elapsed seconds for the rate (30 over 2 s is 15/s > 10/s)', () => {
    const lim = { maxRatePerS: 10 };
    expect(checkReading(r(1, 2000, 30), lim, { ts: 0, value: 0 })).toEqual({ reading: r(1, 2000, 30, 'uncertain'), reason: 'rate_exceeded' });
    expect(checkReading(r(1, 3000, 30), lim, { ts: 0, value: 0 }).reason).toBeUndefined();
    // Same or older timestamp: no rate can be computed, so none is judged.
    expect(checkReading(r(1, 0, 1e9), lim, { ts: 0, value: 0 }).reason).toBeUndefined();
  });

  it('marks a decreasing counter uncertain', () => {
    expect(checkReading(r(1, 1000, 9), { monotonic: true }, { ts: 0, value: 10 })).toEqual({
      reading: r(1, 1000, 9, 'uncertain'),
      reason: 'counter_decreased',
    });
    expect(checkReading(r(1, 1000, 10), { monotonic: true }, { ts: 0, value: 10 }).reason).toBeUndefined();
  });

  it('never improves a quality: bad stays bad, range beats rate', () => {
    expect(checkReading(r(1, 1000, 5, 'bad'), { maxRatePerS: 1 }, { ts: 0, value: 0 }).reading.quality).toBe('bad');
    expect(checkReading(r(1, 1000, 500), { max: 100, maxRatePerS: 1 }, { ts: 0, value: 0 }).reason).toBe('above_max');
  });

  it('leaves unlimited points alone', () => {
    expect(checkReading(r(1, 0, -1e12), undefined, undefined)).toEqual({ reading: r(1, 0, -1e12) });
  });
});

describe('defaultPointLimits (from asset ratings)', () => {
  it('bounds power by 1.5 × ratedKw, SOC by 0–100 and makes counters monotonic', () => {
    const bess = park.assets.find((a) => a.id === 'bess1');
    expect(bess?.rating.ratedKw).toBe(2000);
    expect(limits.get(pointOf('bess1.p_kw').id)).toEqual({ min: -3000, max: 3000 });
    expect(limits.get(pointOf('bess1.soc_pct').id)).toMatchObject({ min: 0, max: 100 });
    // 3,000 kW into 4,000 kWh moves SOC by 75 %/h.
    expect(limits.get(pointOf('bess1.soc_pct').id)?.maxRatePerS).toBeCloseTo(75 / 3600, 10);
    expect(limits.get(pointOf('bess1.e_charge_kwh').id)).toEqual({ min: 0, monotonic: true, maxRatePerS: 3000 / 3600 });
    expect(limits.get(pointOf('grid.f_hz').id)).toEqual({ min: 40, max: 70 });
  });

  it('keeps generators and loads on their side of zero', () => {
    const pv = park.points.find((p) => p.metric === 'p_kw' && park.assets.find((a) => a.id === p.assetId)?.kind === 'pv_inverter');
    const lim = pv && limits.get(pv.id);
    expect(lim?.min).toBeLessThan(0);
    expect(lim?.min).toBeGreaterThan(-(lim?.max ?? 0));
    // A direct green line only ever delivers: 2,000 kW rated → −150 … 3,000 kW.
    expect(limits.get(pointOf('huaxin-green.p_kw').id)).toEqual({ min: -150, max: 3000 });
  });

  it('limits bought heat: heat flow one-sided, the GJ counter at most 1.5 × rated kW × 0.0036 GJ/kWh per hour', () => {
    // tiancheng's steam intake is rated 1,800 kW: 2,700 kW × 0.0036 = 9.72 GJ/h.
    expect(limits.get(pointOf('tiancheng-heat.heat_kw').id)).toEqual({ min: -135, max: 2700 });
    const gj = limits.get(pointOf('tiancheng-heat.e_heat_gj').id);
    expect(gj).toMatchObject({ min: 0, monotonic: true });
    expect(gj?.maxRatePerS).toBeCloseTo(9.72 / 3600, 12);
  });
});

describe('createSanityChecker', () => {
  it('checks rate and counters across batches and returns flags by index', () => {
    const id = pointOf('bess1.e_charge_kwh').id;
    const checker = createSanityChecker(limits);
    expect(checker.check([r(id, 0, 100)]).flags).toEqual([]);
    const { readings, flags } = checker.check([r(id, 1000, 100.5), r(id, 2000, 99), r(id, 3000, 99.2)]);
    expect(flags).toEqual([{ index: 1, pointId: id, reason: 'counter_decreased' }]);
    expect(readings.map((x) => x.quality)).toEqual(['good', 'uncertain', 'good']);
    // 100 kWh in one second is beyond 3,000 kW.
    expect(checker.check([r(id, 4000, 199.2)]).flags[0]?.reason).toBe('rate_exceeded');
  });

  it('does not take an out-of-range spike as the reference for the next reading', () => {
    const id = pointOf('bess1.soc_pct').id;
    const checker = createSanityChecker(limits);
    const { flags } = checker.check([r(id, 0, 50), r(id, 1000, 500), r(id, 2000, 50.01)]);
    expect(flags).toEqual([{ index: 1, pointId: id, reason: 'above_max' }]);
  });
});
