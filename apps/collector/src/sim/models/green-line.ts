import type { Asset, Rng } from '@zcp/model';
import { clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, type StepEnv } from './model-kit.js';

/** Wind turbine power curve, m/s: nothing below cut-in, cubic to rated, nothing above cut-out. */
const CUT_IN_MS = 3;
const RATED_MS = 12;
const CUT_OUT_MS = 25;
/** Hub-height wind on the Jiangsu coast: mean speed and the stronger nights (sea/land breeze, stable boundary layer). */
const MEAN_WIND_MS = 7;
const DIURNAL_MS = 0.8;
/** Full-load hours a year of a coastal wind farm — seeds the counter. */
const FULL_LOAD_HOURS_PER_YEAR = 2400;
/** Line and transformer losses between the plant and the enterprise's intake. */
const LINE_LOSS = 0.02;

/** Share of rated power at a hub-height wind speed. */
export function windPowerFraction(speedMs: number): number {
  if (speedMs < CUT_IN_MS || speedMs >= CUT_OUT_MS) return 0;
  if (speedMs >= RATED_MS) return 1;
  return (speedMs ** 3 - CUT_IN_MS ** 3) / (RATED_MS ** 3 - CUT_IN_MS ** 3);
}

/**
 * The delivery end of a direct green line (绿电直连) from an off-site wind farm: hub-height wind
 * wanders over hours (synoptic) and minutes (gusts), a little stronger at night; power follows
 * the turbine curve × the line's rating, less line losses. `p_kw` ≥ 0 is supply into the
 * enterprise (the simulator subtracts it from the enterprise's main meter and the grid meter);
 * `e_import_kwh` integrates it.
 */
export function createGreenLineModel(asset: Asset, rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 1000;
  const synoptic = createOu(rng, { tauS: 6 * 3600, sigma: 2.5 });
  const gust = createOu(rng, { tauS: 90, sigma: 0.6 });
  const energy = createCounter(ratedKw * FULL_LOAD_HOURS_PER_YEAR * rng.range(0.5, 3));
  return {
    /** Returns the power delivered into the enterprise, kW (≥ 0). */
    step(env: StepEnv): number {
      const night = Math.cos((2 * Math.PI * (env.time.hour - 3)) / 24);
      const speedMs = clamp(MEAN_WIND_MS + DIURNAL_MS * night + synoptic.step(env.dtS) + gust.step(env.dtS), 0, 40);
      const pKw = ratedKw * windPowerFraction(speedMs) * (1 - LINE_LOSS);
      energy.add(pKw * env.dtH);
      emit('p_kw', pKw);
      emit('e_import_kwh', energy.value);
      return pKw;
    },
  };
}
