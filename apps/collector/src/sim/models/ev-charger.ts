import type { Asset, Rng } from '@zcp/model';
import { MS_PER_HOUR } from '../local-time.js';
import { chance, clamp } from '../stochastic.js';
import { createCounter, type Emit, type StepEnv } from './model-kit.js';

/**
 * Vehicle arrivals per charger per hour over a weekday, piecewise constant [fromHour, rate]:
 * commuters arrive 07:00–09:00, visitors and fleet top-ups through the day.
 */
const ARRIVALS_PER_HOUR: readonly (readonly [number, number])[] = [
  [0, 0.01],
  [6, 0.08],
  [7, 0.55],
  [9, 0.12],
  [12, 0.18],
  [14, 0.08],
  [18, 0.05],
  [22, 0.01],
];
const WEEKEND_ARRIVAL_FACTOR = 0.4;

function arrivalRatePerHour(hour: number, weekend: boolean): number {
  let rate = 0;
  for (const [from, r] of ARRIVALS_PER_HOUR) if (hour >= from) rate = r;
  return weekend ? rate * WEEKEND_ARRIVAL_FACTOR : rate;
}

interface Session {
  departMs: number;
  remainingKwh: number;
  vehicleMaxKw: number;
}

/**
 * A charge point with sessions: Poisson arrivals (rate by hour), an energy need per
 * vehicle, the vehicle's acceptance limit, a taper over the last part of the charge, and a
 * dwell time (commuters stay until evening, visitors an hour or two). The vehicle stays
 * connected after it is full until it leaves.
 */
export function createEvChargerModel(asset: Asset, rng: Rng, emit: Emit) {
  const ratedKw = asset.rating.ratedKw ?? 60;
  const energy = createCounter(ratedKw * rng.range(300, 3000));
  let session: Session | undefined;

  return {
    step(env: StepEnv): number {
      if (session && env.tMs >= session.departMs) session = undefined;
      if (!session && chance(arrivalRatePerHour(env.time.hour, env.time.weekend) / 3600, env.dtS) > rng.next()) {
        const commuter = env.time.hour < 10;
        const dwellH = commuter ? rng.range(7, 10) : rng.range(0.5, 3);
        session = { departMs: env.tMs + dwellH * MS_PER_HOUR, remainingKwh: rng.range(10, 55), vehicleMaxKw: ratedKw * rng.range(0.5, 1) };
      }
      let pKw = 0;
      if (session && session.remainingKwh > 0) {
        // Constant power, then a taper over the last 8 kWh (the vehicle's CV phase).
        pKw = session.vehicleMaxKw * clamp(session.remainingKwh / 8, 0.15, 1);
        if (env.dtH > 0) pKw = Math.min(pKw, session.remainingKwh / env.dtH);
        session.remainingKwh -= pKw * env.dtH;
        if (session.remainingKwh < 1e-9) session.remainingKwh = 0;
      }
      energy.add(pKw * env.dtH);
      emit('p_kw', pKw);
      emit('e_kwh', energy.value);
      emit('connected', session ? 1 : 0);
      return pKw;
    },
  };
}
