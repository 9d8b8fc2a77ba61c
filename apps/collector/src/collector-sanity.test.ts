import { createSanityChecker, defaultPointLimits, demoPark, type SanityReason } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { createParkSimulator } from './sim/park-simulator.js';

describe('default sanity limits against the simulated park', () => {
  it('flag nothing in a simulated day at 30 s, then an hour at 1 s (healthy devices are not marked)', () => {
    const park = demoPark();
    const sim = createParkSimulator({ park, seed: 7 });
    const checker = createSanityChecker(defaultPointLimits(park));
    const flags = new Map<string, number>();
    const t0 = Date.UTC(2025, 6, 6, 16); // local midnight, UTC+8, in summer
    const times: number[] = [];
    for (let t = t0; t <= t0 + 86_400_000; t += 30_000) times.push(t);
    for (let t = t0 + 86_400_000 + 1000; t <= t0 + 90_000_000; t += 1000) times.push(t);
    for (const t of times) {
      sim.step(t);
      for (const f of checker.check(sim.readings()).flags) {
        const key = `${park.points.find((p) => p.id === f.pointId)?.tag}:${f.reason}`;
        flags.set(key, (flags.get(key) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(flags)).toEqual({});
  });

  it('flag a stuck-high SOC, a power spike and a counter reset in otherwise simulated data', () => {
    const park = demoPark();
    const sim = createParkSimulator({ park, seed: 7 });
    const checker = createSanityChecker(defaultPointLimits(park));
    const tag = (t: string) => park.points.find((p) => p.tag === t)?.id as number;
    const t0 = Date.UTC(2025, 6, 7, 4);
    sim.step(t0);
    checker.check(sim.readings());
    sim.step(t0 + 1000);
    const faulty = sim.readings().map((r) => {
      if (r.pointId === tag('bess1.soc_pct')) return { ...r, value: 140 };
      if (r.pointId === tag('bess1.p_kw')) return { ...r, value: 9_000 };
      if (r.pointId === tag('grid.e_import_kwh')) return { ...r, value: 0 };
      return r;
    });
    const reasons: Record<number, SanityReason> = {};
    for (const f of checker.check(faulty).flags) reasons[f.pointId] = f.reason;
    expect(reasons).toEqual({ [tag('bess1.soc_pct')]: 'above_max', [tag('bess1.p_kw')]: 'above_max', [tag('grid.e_import_kwh')]: 'counter_decreased' });
  });
});
