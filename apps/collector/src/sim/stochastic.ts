import type { Rng } from '@zcp/model';

/**
 * Ornstein–Uhlenbeck process: noise that wanders around a mean and forgets its past over
 * `tauS`. Updated with the exact discretisation, so its statistics do not depend on the
 * step size (1 s ticks and 60 s sub-steps give the same spread).
 */
export interface OuProcess {
  readonly value: number;
  step(dtS: number): number;
}

export function createOu(rng: Rng, options: { tauS: number; sigma: number; mean?: number; initial?: number }): OuProcess {
  const mean = options.mean ?? 0;
  let x = options.initial ?? mean + rng.normal(0, options.sigma);
  return {
    get value() {
      return x;
    },
    step(dtS: number): number {
      if (dtS <= 0) return x;
      const decay = Math.exp(-dtS / options.tauS);
      x = mean + (x - mean) * decay + options.sigma * Math.sqrt(1 - decay * decay) * rng.normal(0, 1);
      return x;
    },
  };
}

/** Probability that a Poisson event with `ratePerS` happens within `dtS`. */
export function chance(ratePerS: number, dtS: number): number {
  return ratePerS <= 0 || dtS <= 0 ? 0 : 1 - Math.exp(-ratePerS * dtS);
}

export function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
