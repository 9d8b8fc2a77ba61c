/**
 * The only place the collector touches ambient time and randomness. Everything else takes
 * a `Clock` / `Random` so tests and the simulator stay deterministic.
 */
export type Clock = () => number;
export type Random = () => number;

/** Wall-clock epoch milliseconds. */
export const systemClock: Clock = () => Date.now();
/** Uniform in [0, 1); for jitter and nonces only, never for simulated physics. */
export const systemRandom: Random = () => Math.random();
