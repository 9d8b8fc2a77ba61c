import { type Asset, type Building, clearSkyIrradiance, createRng, type Enterprise, type Park, type Reading, type Rng, solarPosition } from '@zcp/model';
import { CollectorError } from '../errors.js';
import { localTime } from './local-time.js';
import { type BatteryModel, createBatteryModel } from './models/battery.js';
import { createBuildingLoadModel } from './models/building-load.js';
import { createChillerModel } from './models/chiller.js';
import { createEvChargerModel } from './models/ev-charger.js';
import { createGasBoilerModel } from './models/gas-boiler.js';
import { createGreenLineModel } from './models/green-line.js';
import { createHeatMeterModel } from './models/heat-meter.js';
import { createGridMeterModel, createSubMeterModel } from './models/meters.js';
import type { Emit, StepEnv } from './models/model-kit.js';
import { createProductionLineModel } from './models/production-line.js';
import { createPvModel } from './models/pv.js';
import { PointValues } from './point-values.js';
import { enterpriseActivity } from './shift-profile.js';
import { createWeather, type SkyMode, type WeatherState } from './weather.js';

/** Longest interval integrated in one go; longer steps are split so counters stay accurate. */
export const DEFAULT_MAX_SUBSTEP_MS = 60_000;

export interface ParkSimulatorOptions {
  park: Park;
  seed: number;
  /** `clear` switches clouds off (tests, demos of the clear-sky shape). Default `variable`. */
  sky?: SkyMode;
  maxSubstepMs?: number;
}

/** The simulated outdoor conditions at the current time (for diagnostics and tests). */
export interface ParkEnvironment extends WeatherState {
  tMs: number;
  sunElevationDeg: number;
  clearSkyGhiWm2: number;
}

export interface ParkSimulator {
  readonly park: Park;
  /**
   * Advances from the previous time to `tMs` (epoch ms; the first call just initialises)
   * and returns a snapshot of every point's value, keyed by point id.
   */
  step(tMs: number): ReadonlyMap<number, number>;
  /** Current values (a live view, not a copy: do not hold on to it across steps). */
  values(): ReadonlyMap<number, number>;
  value(pointId: number): number | undefined;
  /** Current values as readings with quality good, stamped with the simulation time. */
  readings(): Reading[];
  /** Simulation time of the last step; undefined before the first. */
  timeMs(): number | undefined;
  environment(): ParkEnvironment | undefined;
  /** Writes a battery's power setpoint (kW, discharge +); it overrides the schedule for a while. */
  setSetpoint(assetId: string, kw: number): void;
  /** Increments whenever any value changes (steps and setpoint writes): a cache key. */
  version(): number;
}

type Stepper = (env: StepEnv) => number;

/**
 * A deterministic, physically plausible simulation of a whole park: the same seed and the
 * same sequence of `step` times give the same values. Time is only ever what the caller
 * passes in; randomness comes from seeded generators forked per asset, so adding an asset
 * does not change the others.
 *
 * Energy balance (the product's sign conventions, see ASSET_METRICS): every sub-meter
 * reads Σ loads − Σ PV − Σ battery (discharge +) of its building or enterprise, and the
 * grid meter the same over the whole park, exactly. A direct green line (绿电直连) feeds its
 * enterprise beside the grid connection: it is a supply in its enterprise's main meter and in
 * the grid meter (both import that much less), not in any building meter. Bought heat is not
 * electric and in no meter.
 *
 * @example
 * const sim = createParkSimulator({ park: demoPark(), seed: 1 })
 * sim.step(Date.UTC(2025, 5, 2, 4)) // noon in UTC+8
 * sim.value(pointId)
 */
export function createParkSimulator(options: ParkSimulatorOptions): ParkSimulator {
  const { park } = options;
  const maxSubstepMs = options.maxSubstepMs ?? DEFAULT_MAX_SUBSTEP_MS;
  if (!(maxSubstepMs > 0)) throw new CollectorError('internal', `maxSubstepMs must be positive, got ${maxSubstepMs}`);
  const root = createRng(options.seed);
  const forAsset = (a: Asset): Rng => root.fork(`asset:${a.id}`);
  const weather = createWeather(root.fork('weather'), options.sky ?? 'variable');
  const buildingById = new Map(park.buildings.map((b) => [b.id, b]));
  const enterpriseById = new Map(park.enterprises.map((e) => [e.id, e]));
  const useOf = (a: Asset): Building['use'] => (a.buildingId ? (buildingById.get(a.buildingId)?.use ?? 'factory') : 'factory');

  // Every point has a slot in one Float64Array; models write through per-asset metric → slot maps.
  const slotOf = new Map<number, number>();
  const slotsOfAsset = new Map<string, Map<string, number>>();
  park.points.forEach((p, slot) => {
    slotOf.set(p.id, slot);
    let m = slotsOfAsset.get(p.assetId);
    if (!m) {
      m = new Map();
      slotsOfAsset.set(p.assetId, m);
    }
    m.set(p.metric, slot);
  });
  const data = new Float64Array(park.points.length);
  const values = new PointValues(slotOf, data);
  const emitterFor = (assetId: string): Emit => {
    const slots = slotsOfAsset.get(assetId) ?? new Map<string, number>();
    return (metric, value) => {
      const slot = slots.get(metric);
      if (slot !== undefined) data[slot] = value;
    };
  };

  // Electric assets, each with the power it draws from the park's bus (load +, supply −).
  const assetIndex = new Map(park.assets.map((a, i) => [a.id, i]));
  const netKw = new Float64Array(park.assets.length);
  const pv: { index: number; step: Stepper }[] = [];
  const greenLines: { index: number; step: Stepper }[] = [];
  const loads: { index: number; step: Stepper }[] = [];
  const heat: Stepper[] = [];
  const batteries = new Map<string, BatteryModel>();
  const batteryIndex: number[] = [];
  park.assets.forEach((a, index) => {
    const rng = forAsset(a);
    const emit = emitterFor(a.id);
    const enterprise: Enterprise | undefined = a.enterpriseId ? enterpriseById.get(a.enterpriseId) : undefined;
    switch (a.kind) {
      case 'pv_inverter':
        pv.push({ index, step: createPvModel(a, rng, emit).step });
        break;
      case 'building_load':
        loads.push({ index, step: createBuildingLoadModel(a, useOf(a), rng, emit).step });
        break;
      case 'production_line':
        loads.push({ index, step: createProductionLineModel(a, useOf(a), enterprise, park.location.utcOffsetH, rng, emit).step });
        break;
      case 'chiller':
        loads.push({ index, step: createChillerModel(a, useOf(a), rng, emit).step });
        break;
      case 'ev_charger':
        loads.push({ index, step: createEvChargerModel(a, rng, emit).step });
        break;
      case 'gas_boiler':
        heat.push(createGasBoilerModel(a, rng, emit).step);
        break;
      case 'heat_meter':
        heat.push(createHeatMeterModel(a, rng, emit).step);
        break;
      case 'green_line_meter':
        greenLines.push({ index, step: createGreenLineModel(a, rng, emit).step });
        break;
      case 'battery':
        batteries.set(a.id, createBatteryModel(a, rng, emit));
        batteryIndex.push(index);
        break;
      case 'grid_meter':
      case 'sub_meter':
        break; // built below, once their scopes are known
    }
  });

  // Meters: the electric assets in scope and seeded plausible register totals.
  const notElectric: ReadonlySet<Asset['kind']> = new Set(['grid_meter', 'sub_meter', 'gas_boiler', 'heat_meter']);
  const electric = park.assets.filter((a) => !notElectric.has(a.kind));
  const seedTotals = (rng: Rng, scope: readonly Asset[]) => {
    const rated = (kind: Asset['kind']) => scope.filter((a) => a.kind === kind).reduce((s, a) => s + (a.rating.ratedKw ?? 0), 0);
    const supplies: ReadonlySet<Asset['kind']> = new Set(['pv_inverter', 'battery', 'green_line_meter']);
    const loadKw = scope.filter((a) => !supplies.has(a.kind)).reduce((s, a) => s + (a.rating.ratedKw ?? 0), 0);
    return { importKwh: loadKw * rng.range(2000, 12000), exportKwh: rated('pv_inverter') * rng.range(5, 60) };
  };
  const indicesOf = (assets: readonly Asset[]) => Int32Array.from(assets, (a) => assetIndex.get(a.id) as number);
  const meters: { scope: Int32Array; step: (env: StepEnv, pKw: number) => void }[] = [];
  for (const a of park.assets) {
    if (a.kind === 'sub_meter') {
      const scope = electric.filter((x) =>
        a.buildingId !== null ? x.buildingId === a.buildingId : a.enterpriseId !== null && x.enterpriseId === a.enterpriseId,
      );
      const rng = forAsset(a);
      meters.push({ scope: indicesOf(scope), step: createSubMeterModel(seedTotals(rng, scope), emitterFor(a.id)).step });
    } else if (a.kind === 'grid_meter') {
      const rng = forAsset(a);
      meters.push({ scope: indicesOf(electric), step: createGridMeterModel(rng, seedTotals(rng, electric), emitterFor(a.id)).step });
    }
  }

  let now: number | undefined;
  let version = 0;
  let environment: ParkEnvironment | undefined;

  const substep = (tMs: number, dtS: number): void => {
    const time = localTime(tMs, park.location.utcOffsetH);
    const w = weather.step(time, dtS);
    const sun = solarPosition(tMs, park.location.lat, park.location.lon);
    const clearSky = clearSkyIrradiance(sun);
    const activity = new Map(park.enterprises.map((e) => [e.id, enterpriseActivity(e, time)]));
    const parkActivity = park.enterprises.length > 0 ? [...activity.values()].reduce((s, x) => s + x, 0) / park.enterprises.length : 0;
    const env: StepEnv = {
      tMs,
      dtS,
      dtH: dtS / 3600,
      time,
      weather: w,
      sun,
      clearSky,
      activityOf: (id) => (id === null ? parkActivity : (activity.get(id) ?? parkActivity)),
    };
    let pvKw = 0;
    for (const m of pv) {
      const kw = m.step(env);
      netKw[m.index] = -kw;
      pvKw += kw;
    }
    let loadKw = 0;
    for (const m of loads) {
      const kw = m.step(env);
      netKw[m.index] = kw;
      loadKw += kw;
    }
    for (const m of greenLines) netKw[m.index] = -m.step(env);
    for (const step of heat) step(env);
    let b = 0;
    for (const battery of batteries.values()) netKw[batteryIndex[b++] as number] = -battery.step(env, { pvKw, loadKw });
    for (const meter of meters) {
      let p = 0;
      for (let i = 0; i < meter.scope.length; i++) p += netKw[meter.scope[i] as number] as number;
      meter.step(env, p);
    }
    environment = { tMs, ...w, sunElevationDeg: sun.elevationDeg, clearSkyGhiWm2: clearSky.ghiWm2 };
  };

  return {
    park,
    step(tMs) {
      if (!Number.isFinite(tMs)) throw new CollectorError('internal', `step time must be finite, got ${tMs}`);
      if (now === undefined) {
        substep(tMs, 0);
      } else if (tMs < now) {
        throw new CollectorError('time_went_backwards', `step to ${tMs} is before the simulation time ${now}`);
      } else if (tMs > now) {
        const from = now;
        const n = Math.ceil((tMs - from) / maxSubstepMs);
        let prev = from;
        for (let i = 1; i <= n; i++) {
          const t = i === n ? tMs : from + ((tMs - from) * i) / n;
          substep(t, (t - prev) / 1000);
          prev = t;
        }
      }
      now = tMs;
      version++;
      return values.snapshot();
    },
    values: () => values,
    value: (pointId) => values.get(pointId),
    readings() {
      const ts = Math.round(now ?? 0);
      return park.points.map((p, slot) => ({ pointId: p.id, ts, value: data[slot] as number, quality: 'good' as const }));
    },
    timeMs: () => now,
    environment: () => environment,
    setSetpoint(assetId, kw) {
      const battery = batteries.get(assetId);
      if (!battery) throw new CollectorError('unknown_asset', `no battery '${assetId}' in park ${park.id}`);
      battery.setSetpoint(kw, now ?? Number.NaN);
      version++;
    },
    version: () => version,
  };
}
