import type { Asset, Building, Rng } from '@zcp/model';
import { clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, HOURS_PER_YEAR, type StepEnv } from './model-kit.js';

/** Load that runs regardless of occupancy (night lighting, ventilation, servers), by use. */
export const BASE_LOAD_FRACTION: Readonly<Record<Building['use'], number>> = {
  factory: 0.2,
  warehouse: 0.15,
  office: 0.15,
  lab: 0.35,
  datacenter: 0.85,
  utility: 0.4,
};

/** Lighting, HVAC auxiliaries and sockets: base + (1 − base) · shift activity, plus noise. */
export function createBuildingLoadModel(asset: Asset, use: Building['use'], rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 100;
  const base = BASE_LOAD_FRACTION[use];
  const noise = createOu(rng, { tauS: 300, sigma: 0.03 });
  const energy = createCounter(ratedKw * 0.5 * HOURS_PER_YEAR * rng.range(0.5, 6));
  return {
    step(env: StepEnv): number {
      const activity = env.activityOf(asset.enterpriseId);
      const pKw = clamp(ratedKw * (base + (1 - base) * activity) * (1 + noise.step(env.dtS)), 0, ratedKw);
      energy.add(pKw * env.dtH);
      emit('p_kw', pKw);
      emit('e_kwh', energy.value);
      return pKw;
    },
  };
}
