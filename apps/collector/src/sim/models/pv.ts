import { type Asset, planeOfArrayIrradiance, type Rng } from '@zcp/model';
import { clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, type StepEnv } from './model-kit.js';

/** Array DC peak power over inverter AC rating: oversizing makes clipping on cold bright days. */
export const PV_DC_AC_RATIO = 1.1;
/** Crystalline silicon power temperature coefficient, 1/K. */
const PV_TEMP_COEFF_PER_K = -0.0035;
/** Nominal operating cell temperature, °C (module at 800 W/m², 20 °C air). */
const NOCT_C = 45;
/** Irradiance at standard test conditions, W/m². */
const STC_IRRADIANCE_WM2 = 1000;
/** Typical specific yield in the Yangtze delta, kWh per kW per year — seeds the counter. */
const PV_YIELD_KWH_PER_KW_YEAR = 1100;

/**
 * A rooftop array and its inverter. Plane-of-array irradiance = clear-sky POA for the
 * array's tilt/azimuth × park clearness × a small local factor (cloud edges cross the site);
 * NOCT module temperature; linear temperature derate; inverter losses as
 * P_rated · (0.2 % + 0.8 %·x + 1.2 %·x²) of load fraction x (≈ 97.8 % at full load,
 * no output below the self-consumption); clipped at ratedKw. No light → exactly 0 kW.
 */
export function createPvModel(asset: Asset, rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 100;
  const surface = { tiltDeg: asset.rating.tiltDeg ?? 15, azimuthDeg: asset.rating.azimuthDeg ?? 180 };
  const soiling = rng.range(0.95, 1);
  const local = createOu(rng, { tauS: 120, sigma: 0.02 });
  const energy = createCounter(ratedKw * PV_YIELD_KWH_PER_KW_YEAR * rng.range(0.5, 4));

  return {
    /** Returns AC power fed to the park, kW (≥ 0). */
    step(env: StepEnv): number {
      const localFactor = clamp(1 + local.step(env.dtS), 0.9, 1.08);
      const clear = planeOfArrayIrradiance(env.sun, env.clearSky, surface);
      const poa = clear * env.weather.clearness * localFactor;
      const moduleC = env.weather.ambientC + (poa * (NOCT_C - 20)) / 800;
      const dcKw = ratedKw * PV_DC_AC_RATIO * (poa / STC_IRRADIANCE_WM2) * soiling * (1 + PV_TEMP_COEFF_PER_K * (moduleC - 25));
      let acKw = 0;
      if (dcKw > 0) {
        const x = dcKw / ratedKw;
        acKw = clamp(dcKw - ratedKw * (0.002 + 0.008 * x + 0.012 * x * x), 0, ratedKw);
      }
      energy.add(acKw * env.dtH);
      emit('p_kw', acKw);
      emit('e_kwh', energy.value);
      emit('irradiance_wm2', poa);
      emit('module_temp_c', moduleC);
      return acKw;
    },
  };
}
