import type { Asset, Rng } from '@zcp/model';
import { CollectorError } from '../../errors.js';
import { MS_PER_MINUTE } from '../local-time.js';
import { clamp } from '../stochastic.js';
import { createCounter, type Emit, type StepEnv } from './model-kit.js';

export const BATTERY_SOC_MIN = 0.1;
export const BATTERY_SOC_MAX = 0.95;
/** AC-to-AC round-trip efficiency; split evenly (√η) between charging and discharging. */
export const BATTERY_ROUND_TRIP_EFFICIENCY = 0.9;
/** A written setpoint overrides the schedule for this long (simulated time), then expires. */
export const MANUAL_SETPOINT_HOLD_MS = 15 * MS_PER_MINUTE;
/** Valley-tariff charging power as a fraction of the rating. */
const VALLEY_CHARGE_FRACTION = 0.5;

const SQRT_EFFICIENCY = Math.sqrt(BATTERY_ROUND_TRIP_EFFICIENCY);

/** Time-of-use periods in local hours (Jiangsu-style industrial tariff). */
export function isValleyHour(hour: number): boolean {
  return hour >= 23 || hour < 7;
}
export function isPeakHour(hour: number): boolean {
  return (hour >= 8 && hour < 11) || (hour >= 13 && hour < 17);
}

export interface BatteryModel {
  /** Overrides the schedule with a setpoint (kW, discharge positive) for MANUAL_SETPOINT_HOLD_MS. */
  setSetpoint(kw: number, nowMs: number): void;
  currentSetpointKw(): number;
  /** Returns the power delivered to the park, kW (discharge +, charge −). */
  step(env: StepEnv, park: { pvKw: number; loadKw: number }): number;
}

/**
 * The park battery: a rule-based schedule — absorb PV surplus, charge in the valley
 * (23:00–07:00), discharge against the net load at peak (08–11, 13–17) without exporting —
 * bounded by ratedKw and SOC 10–95 %. SOC integrates the delivered power with √η on each
 * side, and the power is limited so the interval can never overshoot an SOC bound.
 */
export function createBatteryModel(asset: Asset, rng: Rng, emit: Emit): BatteryModel {
  const ratedKw = asset.rating.ratedKw ?? 500;
  const capacityKwh = asset.rating.capacityKwh ?? ratedKw * 2;
  const cycles = rng.range(100, 800);
  const charged = createCounter(capacityKwh * cycles);
  const discharged = createCounter(capacityKwh * cycles * BATTERY_ROUND_TRIP_EFFICIENCY);
  let soc = rng.range(0.4, 0.6);
  let manual: { kw: number; untilMs: number } | undefined;
  let setpointKw = 0;

  return {
    setSetpoint(kw, nowMs) {
      if (!Number.isFinite(kw) || Math.abs(kw) > ratedKw) {
        throw new CollectorError('setpoint_out_of_range', `setpoint ${kw} kW is outside ±${ratedKw} kW of ${asset.id}`);
      }
      // Before the first step there is no "now": the hold then starts at the first step.
      manual = { kw, untilMs: Number.isFinite(nowMs) ? nowMs + MANUAL_SETPOINT_HOLD_MS : Number.NaN };
      setpointKw = kw;
      emit('setpoint_kw', kw);
    },
    currentSetpointKw: () => setpointKw,
    step(env, park) {
      if (manual && Number.isNaN(manual.untilMs)) manual.untilMs = env.tMs + MANUAL_SETPOINT_HOLD_MS;
      if (manual && env.tMs >= manual.untilMs) manual = undefined;
      const surplusKw = park.pvKw - park.loadKw;
      if (manual) setpointKw = manual.kw;
      else if (surplusKw > 0) setpointKw = -Math.min(ratedKw, surplusKw);
      else if (isValleyHour(env.time.hour)) setpointKw = -VALLEY_CHARGE_FRACTION * ratedKw;
      else if (isPeakHour(env.time.hour)) setpointKw = Math.min(ratedKw, -surplusKw);
      else setpointKw = 0;

      const headroomDischargeKwh = Math.max(0, soc - BATTERY_SOC_MIN) * capacityKwh * SQRT_EFFICIENCY;
      const headroomChargeKwh = (Math.max(0, BATTERY_SOC_MAX - soc) * capacityKwh) / SQRT_EFFICIENCY;
      const maxDischargeKw = env.dtH > 0 ? Math.min(ratedKw, headroomDischargeKwh / env.dtH) : headroomDischargeKwh > 0 ? ratedKw : 0;
      const maxChargeKw = env.dtH > 0 ? Math.min(ratedKw, headroomChargeKwh / env.dtH) : headroomChargeKwh > 0 ? ratedKw : 0;
      const pKw = clamp(setpointKw, -maxChargeKw, maxDischargeKw);

      if (pKw > 0) soc -= (pKw * env.dtH) / (SQRT_EFFICIENCY * capacityKwh);
      else soc += (-pKw * env.dtH * SQRT_EFFICIENCY) / capacityKwh;
      // Only rounding can cross a bound here (the power was limited above).
      soc = clamp(soc, BATTERY_SOC_MIN, BATTERY_SOC_MAX);
      discharged.add(pKw * env.dtH);
      charged.add(-pKw * env.dtH);

      emit('p_kw', pKw);
      emit('soc_pct', soc * 100);
      emit('e_charge_kwh', charged.value);
      emit('e_discharge_kwh', discharged.value);
      emit('cell_temp_c', 24 + 0.25 * (env.weather.ambientC - 24) + (8 * Math.abs(pKw)) / ratedKw);
      emit('setpoint_kw', setpointKw);
      return pKw;
    },
  };
}
