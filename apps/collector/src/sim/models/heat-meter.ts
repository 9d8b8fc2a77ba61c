import type { Asset, Rng } from '@zcp/model';
import { clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, HOURS_PER_YEAR, type StepEnv } from './model-kit.js';

/** 1 kWh of heat is 3.6 MJ = 0.0036 GJ. */
export const GJ_PER_KWH = 0.0036;
/** Steam kept flowing between shifts (mains kept hot, CIP, HVAC reheat), share of rated flow. */
const STANDBY_FRACTION = 0.12;
/** Process steam at full shift activity, share of rated flow. */
const PROCESS_FRACTION = 0.6;
/** Space heating at the coldest, share of rated flow; starts below 15 °C, full at −5 °C. */
const SPACE_FRACTION = 0.3;
const HEATING_BASE_C = 15;

/**
 * An enterprise's intake of steam bought from outside the park (a utility's CHP plant): a
 * standby flow, process steam that follows the enterprise's shifts, space heating by degrees
 * below 15 °C, slow noise. The counter `e_heat_gj` integrates `heat_kw` × 0.0036 GJ/kWh and
 * only ever grows. Heat does not touch the electric balance.
 */
export function createHeatMeterModel(asset: Asset, rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 1000;
  const noise = createOu(rng, { tauS: 900, sigma: 0.04 });
  const energy = createCounter(ratedKw * 0.4 * HOURS_PER_YEAR * GJ_PER_KWH * rng.range(1, 5));
  return {
    /** Returns the heat flow, kW. */
    step(env: StepEnv): number {
      const activity = env.activityOf(asset.enterpriseId);
      const space = clamp((HEATING_BASE_C - env.weather.ambientC) / 20, 0, 1);
      const x = STANDBY_FRACTION + PROCESS_FRACTION * activity + SPACE_FRACTION * space;
      const heatKw = clamp(ratedKw * x * (1 + noise.step(env.dtS)), 0, ratedKw);
      energy.add(heatKw * env.dtH * GJ_PER_KWH);
      emit('heat_kw', heatKw);
      emit('e_heat_gj', energy.value);
      return heatKw;
    },
  };
}
