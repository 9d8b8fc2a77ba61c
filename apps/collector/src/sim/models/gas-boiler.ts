import type { Asset, Rng } from '@zcp/model';
import { clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, type StepEnv } from './model-kit.js';

/** Net (lower) calorific value of pipeline natural gas, MJ per standard m³. */
export const NATURAL_GAS_LHV_MJ_PER_M3 = 35.9;
/** Boiler efficiency on a net-calorific-value basis. */
export const BOILER_EFFICIENCY_LHV = 0.92;
export const MJ_PER_KWH = 3.6;
/** Space heating starts below this outdoor temperature, °C. */
const HEATING_BASE_C = 15;
/** Below this fraction the burner is off. */
const MIN_FIRING = 0.05;

/** Gas flow for a heat output: m³/h = kW · 3.6 MJ/kWh / (η · LHV MJ/m³). */
export function gasFlowM3h(heatKw: number): number {
  return (heatKw * MJ_PER_KWH) / (BOILER_EFFICIENCY_LHV * NATURAL_GAS_LHV_MJ_PER_M3);
}

/**
 * The park's gas boiler house: process steam all year (pharma, food) plus space heating by
 * degree below 15 °C, both scaled by how busy the park is. Weather-compensated supply
 * temperature.
 */
export function createGasBoilerModel(asset: Asset, rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 2000;
  const noise = createOu(rng, { tauS: 600, sigma: 0.02 });
  const years = rng.range(1, 6);
  const heat = createCounter(ratedKw * 2000 * years);
  const gas = createCounter(gasFlowM3h(heat.value));

  return {
    step(env: StepEnv): number {
      const t = env.weather.ambientC;
      const activity = env.activityOf(null);
      const space = clamp((HEATING_BASE_C - t) / 20, 0, 1) * (0.5 + 0.5 * activity);
      const process = 0.12 + 0.08 * activity;
      const x = clamp((space + process) * (1 + noise.step(env.dtS)), 0, 1);
      const heatKw = x >= MIN_FIRING ? x * ratedKw : 0;
      const flow = gasFlowM3h(heatKw);
      heat.add(heatKw * env.dtH);
      gas.add(flow * env.dtH);
      emit('heat_kw', heatKw);
      emit('gas_m3h', flow);
      emit('gas_m3', gas.value);
      emit('e_heat_kwh', heat.value);
      emit('supply_temp_c', heatKw > 0 ? clamp(55 + 1.2 * (HEATING_BASE_C - t), 55, 85) : 35);
      return heatKw;
    },
  };
}
