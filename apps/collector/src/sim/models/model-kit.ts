import type { clearSkyIrradiance, SolarPosition } from '@zcp/model';
import type { LocalTime } from '../local-time.js';
import type { WeatherState } from '../weather.js';

/** Everything an asset model may look at during one (sub-)step. */
export interface StepEnv {
  /** End of the interval being simulated, epoch ms. */
  tMs: number;
  /** Length of the interval; 0 on the first step. */
  dtS: number;
  dtH: number;
  time: LocalTime;
  weather: WeatherState;
  sun: SolarPosition;
  clearSky: ReturnType<typeof clearSkyIrradiance>;
  /** Shift activity 0..1 of an enterprise now (park-level assets: the park average). */
  activityOf(enterpriseId: string | null): number;
}

/** Writes one metric of the asset being modelled. */
export type Emit = (metric: string, value: number) => void;

/**
 * A monotonic energy (or volume) register. Powers are integrated as "value at the end of the
 * interval × interval" — the same rule the SOC and every meter use, so balances close.
 */
export interface Counter {
  readonly value: number;
  add(amount: number): void;
}

export function createCounter(initial: number): Counter {
  let value = initial;
  return {
    get value() {
      return value;
    },
    add(amount) {
      if (amount > 0) value += amount;
    },
  };
}

export const HOURS_PER_YEAR = 8760;
