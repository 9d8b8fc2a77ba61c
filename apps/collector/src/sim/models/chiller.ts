import type { Asset, Building, Rng } from '@zcp/model';
import { clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, HOURS_PER_YEAR, type StepEnv } from './model-kit.js';

/** Coefficient of performance at rating conditions (water-cooled screw chiller). */
export const CHILLER_RATED_COP = 5.5;
/** Below this fraction of capacity the chiller cycles off. */
const MIN_PART_LOAD = 0.1;
const CHW_SETPOINT_C = 7;

/**
 * A chiller serving one building. Cooling demand fraction: offices/factories from occupancy
 * and outdoor temperature (envelope gains above ~20 °C); data halls mostly from IT heat.
 * COP changes by 2.5 % per K of outdoor temperature away from 30 °C (condenser lift)
 * and at part load away from ~70 %. Electric power = cooling / COP, limited by ratedKw.
 */
export function createChillerModel(asset: Asset, use: Building['use'], rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 100;
  const capacityKw = ratedKw * CHILLER_RATED_COP;
  const noise = createOu(rng, { tauS: 600, sigma: 0.03 });
  const chwNoise = createOu(rng, { tauS: 120, sigma: 0.05 });
  const energy = createCounter(ratedKw * 0.35 * HOURS_PER_YEAR * rng.range(0.5, 6));

  return {
    step(env: StepEnv): number {
      const t = env.weather.ambientC;
      const activity = env.activityOf(asset.enterpriseId);
      const demand = use === 'datacenter' ? clamp(0.55 + (0.3 * (t - 15)) / 20, 0.35, 1) : clamp(0.55 * activity + (0.6 * (t - 20)) / 12, 0, 1);
      const x = clamp(demand * (1 + noise.step(env.dtS)), 0, 1);
      const chw = chwNoise.step(env.dtS);
      let pKw = 0;
      let coolingKw = 0;
      let cop = 0;
      let supplyC = Math.min(t, 14);
      if (x >= MIN_PART_LOAD) {
        cop = clamp(CHILLER_RATED_COP * (1 - 0.025 * (t - 30)) * (1 - 0.3 * (x - 0.7) ** 2), 2.5, 8);
        coolingKw = x * capacityKw;
        pKw = coolingKw / cop;
        if (pKw > ratedKw) {
          pKw = ratedKw;
          coolingKw = pKw * cop;
        }
        // At full load the chilled-water supply drifts above its set-point.
        supplyC = CHW_SETPOINT_C + Math.max(0, x - 0.9) * 10 + chw;
      }
      energy.add(pKw * env.dtH);
      emit('p_kw', pKw);
      emit('e_kwh', energy.value);
      emit('cooling_kw', coolingKw);
      emit('cop', cop);
      emit('chw_supply_c', supplyC);
      return pKw;
    },
  };
}
