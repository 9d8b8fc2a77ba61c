import type { Asset, Building, Enterprise, Rng } from '@zcp/model';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../local-time.js';
import { shiftActivity } from '../shift-profile.js';
import { chance, clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, HOURS_PER_YEAR, type StepEnv } from './model-kit.js';

/** Mean running time between unplanned stops (jams, changeovers, faults). */
const MEAN_TIME_BETWEEN_STOPS_MS = 4 * MS_PER_HOUR;
const MEAN_STOP_DURATION_MS = 20 * MS_PER_MINUTE;
/** Draw of a stopped line (controls, hydraulics idling, compressed-air leaks). */
const STANDBY_FRACTION = 0.06;
/** A line is scheduled while its shift activity is at least this. */
const SCHEDULED_ACTIVITY = 0.5;

/**
 * A production line (or, in a data centre, an IT hall). Lines run while their shift is on —
 * at weekends each line runs that day with probability = the enterprise's weekend factor —
 * and stop now and then for a while. Running power follows shift intensity plus noise;
 * output is proportional to the power above standby (units/h per kW is a property of the
 * line). IT halls always run with a gentle daily swing.
 */
export function createProductionLineModel(asset: Asset, use: Building['use'], enterprise: Enterprise | undefined, utcOffsetH: number, rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 200;
  const itHall = use === 'datacenter';
  const unitsPerKwh = itHall ? rng.range(0.8, 1.2) : rng.range(0.2, 1.5);
  const standbyKw = ratedKw * STANDBY_FRACTION;
  const noise = createOu(rng, { tauS: 120, sigma: itHall ? 0.015 : 0.05 });
  const energy = createCounter(ratedKw * 0.55 * HOURS_PER_YEAR * rng.range(0.5, 6));
  let stoppedUntilMs = Number.NEGATIVE_INFINITY;
  let dayIndex = Number.NaN;
  let runsToday = true;

  return {
    step(env: StepEnv): number {
      const noiseValue = noise.step(env.dtS);
      let running: boolean;
      let pKw: number;
      if (itHall) {
        running = true;
        pKw = ratedKw * clamp(0.72 + 0.04 * Math.sin((2 * Math.PI * (env.time.hour - 8)) / 24) + noiseValue, 0.5, 0.95);
      } else {
        const today = Math.floor((env.tMs + utcOffsetH * MS_PER_HOUR) / MS_PER_DAY);
        if (today !== dayIndex) {
          dayIndex = today;
          runsToday = !env.time.weekend || rng.next() < (enterprise?.weekendFactor ?? 1);
        }
        const level = enterprise ? shiftActivity(enterprise.shift, env.time.hour) : 0;
        const scheduled = runsToday && level >= SCHEDULED_ACTIVITY;
        if (scheduled && env.tMs >= stoppedUntilMs && chance(1 / MEAN_TIME_BETWEEN_STOPS_MS, env.dtS * 1000) > rng.next()) {
          stoppedUntilMs = env.tMs - MEAN_STOP_DURATION_MS * Math.log(1 - rng.next());
        }
        running = scheduled && env.tMs >= stoppedUntilMs;
        pKw = running ? ratedKw * clamp(0.6 + 0.3 * level + noiseValue, 0.3, 1) : standbyKw;
      }
      const outputUph = running ? Math.max(0, pKw - standbyKw) * unitsPerKwh : 0;
      energy.add(pKw * env.dtH);
      emit('p_kw', pKw);
      emit('e_kwh', energy.value);
      emit('output_uph', outputUph);
      emit('running', running ? 1 : 0);
      return pKw;
    },
  };
}
