import type { Rng } from '@zcp/model';
import type { LocalTime } from './local-time.js';
import { chance, clamp, createOu, type OuProcess } from './stochastic.js';

/** What the sky is doing: `variable` runs the seeded cloud process, `clear` never clouds. */
export type SkyMode = 'variable' | 'clear';

export interface WeatherState {
  /** Outdoor dry-bulb temperature, °C. */
  ambientC: number;
  /** Fraction of clear-sky irradiance reaching the ground, 0..1 (1 = cloudless). */
  clearness: number;
}

export interface Weather {
  step(time: LocalTime, dtS: number): WeatherState;
}

/**
 * Cloud regimes: each lasts hours (a Markov chain), and inside it the clearness wanders over
 * minutes (an OU process) — broken cloud flickers, overcast is dull and steady.
 */
const REGIMES = [
  { name: 'clear', weight: 0.5, mean: 0.97, sigma: 0.015, tauS: 300 },
  { name: 'broken', weight: 0.3, mean: 0.65, sigma: 0.2, tauS: 180 },
  { name: 'overcast', weight: 0.2, mean: 0.3, sigma: 0.06, tauS: 600 },
] as const;
const MEAN_REGIME_DURATION_S = 3 * 3600;
/** Clearness never drops below this: even under thick cloud some diffuse light remains. */
const MIN_CLEARNESS = 0.08;

/** Yangtze-delta climate (Suzhou normals): annual mean 16.5 °C, Jan ≈ 4 °C, Jul ≈ 29 °C. */
const ANNUAL_MEAN_C = 16.5;
const SEASONAL_AMPLITUDE_C = 12.5;
/** Coldest day of the year (day of year) — the seasonal curve lags the solstice. */
const COLDEST_DAY = 20;
const DIURNAL_AMPLITUDE_C = 4;
/** Warmest hour of the local day. */
const WARMEST_HOUR = 15;

/** Seasonal + diurnal temperature without weather noise, °C. */
export function climateTemperatureC(time: LocalTime): number {
  const seasonal = ANNUAL_MEAN_C - SEASONAL_AMPLITUDE_C * Math.cos((2 * Math.PI * (time.dayOfYear - COLDEST_DAY)) / 365);
  const diurnal = DIURNAL_AMPLITUDE_C * Math.cos((2 * Math.PI * (time.hour - WARMEST_HOUR)) / 24);
  return seasonal + diurnal;
}

export function createWeather(rng: Rng, sky: SkyMode): Weather {
  const pickRegime = () => {
    let u = rng.next();
    for (const r of REGIMES) {
      if (u < r.weight) return r;
      u -= r.weight;
    }
    return REGIMES[0];
  };
  let regime: (typeof REGIMES)[number] = pickRegime();
  let cloud: OuProcess = createOu(rng, { tauS: regime.tauS, sigma: regime.sigma, mean: regime.mean });
  // Synoptic weather: warm and cold spells over days.
  const spell = createOu(rng, { tauS: 2 * 86_400, sigma: 2.5 });
  const hourly = createOu(rng, { tauS: 3600, sigma: 0.4 });

  return {
    step(time, dtS) {
      if (chance(1 / MEAN_REGIME_DURATION_S, dtS) > rng.next()) {
        regime = pickRegime();
        // Keep the current clearness as the start so a regime change is a fade, not a jump.
        cloud = createOu(rng, { tauS: regime.tauS, sigma: regime.sigma, mean: regime.mean, initial: cloud.value });
      }
      const k = cloud.step(dtS);
      const ambientC = climateTemperatureC(time) + spell.step(dtS) + hourly.step(dtS);
      return { ambientC, clearness: sky === 'clear' ? 1 : clamp(k, MIN_CLEARNESS, 1) };
    },
  };
}
