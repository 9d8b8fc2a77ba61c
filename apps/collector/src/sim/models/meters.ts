import type { Rng } from '@zcp/model';
import { clamp, createOu } from '../stochastic.js';
import { createCounter, type Emit, type StepEnv } from './model-kit.js';

/**
 * A bidirectional energy meter: the power it sees is given (a sum over its scope, so the
 * park's balance closes exactly); import and export registers integrate the two signs.
 */
export function createSubMeterModel(initial: { importKwh: number; exportKwh: number }, emit: Emit) {
  const imported = createCounter(initial.importKwh);
  const exported = createCounter(initial.exportKwh);
  return {
    step(env: StepEnv, pKw: number): void {
      imported.add(pKw * env.dtH);
      exported.add(-pKw * env.dtH);
      emit('p_kw', pKw);
      emit('e_import_kwh', imported.value);
      emit('e_export_kwh', exported.value);
    },
  };
}

/** Nominal line-to-line voltage of the park's grid connection, V (110 kV substation). */
const GRID_NOMINAL_V_LL = 110_000;
const GRID_NOMINAL_HZ = 50;

/**
 * The park's grid connection meter: active power is the park's balance (given); reactive
 * power follows it at a wandering power factor; voltage and frequency wander around nominal
 * (±0.5 % and ±0.02 Hz typical, frequency held within ±0.2 Hz as the grid code requires).
 */
export function createGridMeterModel(rng: Rng, initial: { importKwh: number; exportKwh: number }, emit: Emit) {
  const meter = createSubMeterModel(initial, emit);
  const powerFactor = createOu(rng, { tauS: 1800, sigma: 0.01, mean: 0.965 });
  const reactiveNoise = createOu(rng, { tauS: 60, sigma: 15 });
  const voltage = createOu(rng, { tauS: 600, sigma: 0.005 });
  const frequency = createOu(rng, { tauS: 30, sigma: 0.02 });
  return {
    step(env: StepEnv, pKw: number): void {
      meter.step(env, pKw);
      const pf = clamp(powerFactor.step(env.dtS), 0.9, 0.995);
      const qKvar = Math.abs(pKw) * Math.tan(Math.acos(pf)) + reactiveNoise.step(env.dtS);
      emit('q_kvar', qKvar);
      emit('v_ll', GRID_NOMINAL_V_LL * (1 + clamp(voltage.step(env.dtS), -0.05, 0.05)));
      emit('f_hz', GRID_NOMINAL_HZ + clamp(frequency.step(env.dtS), -0.2, 0.2));
    },
  };
}
