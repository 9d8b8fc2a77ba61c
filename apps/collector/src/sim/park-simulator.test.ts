import { demoPark, type Park } from '@zcp/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { CollectorError } from '../errors.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from './local-time.js';
import { BATTERY_ROUND_TRIP_EFFICIENCY, BATTERY_SOC_MAX, BATTERY_SOC_MIN, MANUAL_SETPOINT_HOLD_MS } from './models/battery.js';
import { gasFlowM3h } from './models/gas-boiler.js';
import { windPowerFraction } from './models/green-line.js';
import { GJ_PER_KWH } from './models/heat-meter.js';
import { createParkSimulator } from './park-simulator.js';

const park = demoPark();
/** Monday 2025-07-07 00:00 in the park's UTC+8. */
const MONDAY_LOCAL_MIDNIGHT = Date.UTC(2025, 6, 6, 16);
const at = (day: number, hour: number) => MONDAY_LOCAL_MIDNIGHT + day * MS_PER_DAY + hour * MS_PER_HOUR;

const pointId = (tag: string): number => {
  const p = park.points.find((x) => x.tag === tag);
  if (!p) throw new Error(`no point ${tag}`);
  return p.id;
};
const pointsWhere = (kind: Park['assets'][number]['kind'], metric: string, filter: (a: Park['assets'][number]) => boolean = () => true) =>
  park.assets.filter((a) => a.kind === kind && filter(a)).map((a) => pointId(`${a.id}.${metric}`));
const sum = (values: ReadonlyMap<number, number>, ids: readonly number[]) => ids.reduce((s, id) => s + (values.get(id) ?? Number.NaN), 0);

const LOAD_KINDS = ['building_load', 'production_line', 'chiller', 'ev_charger'] as const;
const loadIds = LOAD_KINDS.flatMap((k) => pointsWhere(k, 'p_kw'));
const pvIds = pointsWhere('pv_inverter', 'p_kw');
const batteryP = pointId('bess1.p_kw');
const batterySoc = pointId('bess1.soc_pct');
const gridP = pointId('grid.p_kw');
/** Direct green lines (绿电直连): supplies into their enterprise, beside the grid connection. */
const greenIds = pointsWhere('green_line_meter', 'p_kw');

/** The shared week runs in 5-minute steps, integrated whole (sub-steps are tested separately). */
const WEEK_STEP_MS = 5 * MS_PER_MINUTE;

/** One simulated week in 5-minute steps. */
interface Week {
  times: number[];
  snapshots: ReadonlyMap<number, number>[];
}
let week: Week;

beforeAll(() => {
  const sim = createParkSimulator({ park, seed: 42, maxSubstepMs: WEEK_STEP_MS });
  week = { times: [], snapshots: [] };
  for (let t = at(0, 0); t <= at(7, 0); t += WEEK_STEP_MS) {
    week.times.push(t);
    week.snapshots.push(sim.step(t));
  }
});

describe('PV', () => {
  it('is exactly zero at night and positive at noon on a clear day', () => {
    const sim = createParkSimulator({ park, seed: 1, sky: 'clear' });
    const night = sim.step(at(0, 1));
    for (const id of pvIds) expect(night.get(id)).toBe(0);
    for (const id of pointsWhere('pv_inverter', 'irradiance_wm2')) expect(night.get(id)).toBe(0);
    const noon = sim.step(at(0, 12));
    for (const id of pvIds) expect(noon.get(id)).toBeGreaterThan(0);
    // Clear July noon: the park's arrays deliver well over half their AC rating, never more.
    const rated = park.assets.filter((a) => a.kind === 'pv_inverter').reduce((s, a) => s + (a.rating.ratedKw ?? 0), 0);
    expect(sum(noon, pvIds) / rated).toBeGreaterThan(0.6);
    for (const a of park.assets.filter((x) => x.kind === 'pv_inverter')) expect(noon.get(pointId(`${a.id}.p_kw`))).toBeLessThanOrEqual(a.rating.ratedKw ?? 0);
  });

  it('is zero every night of the week and follows the sun in between', () => {
    for (let i = 0; i < week.times.length; i++) {
      const hour = (((week.times[i] as number) - MONDAY_LOCAL_MIDNIGHT) / MS_PER_HOUR) % 24;
      const pv = sum(week.snapshots[i] as ReadonlyMap<number, number>, pvIds);
      if (hour < 4.5 || hour > 19.5) expect(pv).toBe(0);
      if (hour >= 10 && hour <= 14) expect(pv).toBeGreaterThan(0);
    }
  });

  it('is cut by clouds: the variable sky yields less than the clear sky over a week', () => {
    const clear = createParkSimulator({ park, seed: 42, sky: 'clear', maxSubstepMs: WEEK_STEP_MS });
    let clearKwh = 0;
    let variableKwh = 0;
    for (let i = 1; i < week.times.length; i++) {
      clearKwh += sum(clear.step(week.times[i] as number), pvIds) / 12;
      variableKwh += sum(week.snapshots[i] as ReadonlyMap<number, number>, pvIds) / 12;
    }
    expect(variableKwh).toBeLessThan(clearKwh * 0.95);
    expect(variableKwh).toBeGreaterThan(clearKwh * 0.2);
  });
});

describe('energy counters', () => {
  it('are monotonic over a simulated week and start from plausible non-zero totals', () => {
    const counters = park.points.filter((p) => p.kind === 'counter').map((p) => p.id);
    expect(counters.length).toBeGreaterThan(200);
    const first = week.snapshots[0] as ReadonlyMap<number, number>;
    for (const id of counters) expect(first.get(id)).toBeGreaterThan(0);
    for (let i = 1; i < week.snapshots.length; i++) {
      const prev = week.snapshots[i - 1] as ReadonlyMap<number, number>;
      const cur = week.snapshots[i] as ReadonlyMap<number, number>;
      for (const id of counters) if ((cur.get(id) as number) < (prev.get(id) as number)) expect.fail(`counter ${id} went down at step ${i}`);
    }
  });

  it('integrate their power: the grid import register grows by Σ max(p, 0)·dt', () => {
    const sim = createParkSimulator({ park, seed: 3 });
    const importId = pointId('grid.e_import_kwh');
    let expected = sim.step(at(2, 0)).get(importId) as number;
    for (let t = at(2, 0) + MS_PER_MINUTE; t <= at(2, 6); t += MS_PER_MINUTE) {
      const v = sim.step(t);
      expected += Math.max(0, v.get(gridP) as number) / 60;
    }
    expect(sim.value(importId)).toBeCloseTo(expected, 6);
  });
});

describe('energy balance', () => {
  it('grid = Σ loads − Σ PV − Σ direct green − battery (discharge +) at every step of the week, to 1e-6 kW', () => {
    expect(greenIds.length).toBe(1);
    for (const v of week.snapshots) {
      const balance = sum(v, loadIds) - sum(v, pvIds) - sum(v, greenIds) - (v.get(batteryP) as number);
      expect(Math.abs((v.get(gridP) as number) - balance)).toBeLessThan(1e-6);
    }
  });

  it('sub-meters read their building or enterprise, and enterprises + chargers − battery = grid', () => {
    const ev = pointsWhere('ev_charger', 'p_kw');
    for (const v of week.snapshots.filter((_, i) => i % 12 === 0)) {
      let enterprises = 0;
      for (const e of park.enterprises) {
        const meter = v.get(pointId(`${e.id}-meter.p_kw`)) as number;
        const own = (a: Park['assets'][number]) => a.enterpriseId === e.id;
        const green = sum(v, pointsWhere('green_line_meter', 'p_kw', own));
        const expected = LOAD_KINDS.reduce((s, k) => s + sum(v, pointsWhere(k, 'p_kw', own)), 0) - sum(v, pointsWhere('pv_inverter', 'p_kw', own)) - green;
        expect(Math.abs(meter - expected)).toBeLessThan(1e-6);
        // The green line enters at the enterprise's own substation, upstream of its building meters.
        const buildings = park.buildings.filter((b) => b.enterpriseId === e.id).reduce((s, b) => s + (v.get(pointId(`${b.id}-meter.p_kw`)) as number), 0);
        expect(Math.abs(meter + green - buildings)).toBeLessThan(1e-6);
        enterprises += meter;
      }
      expect(Math.abs((v.get(gridP) as number) - (enterprises + sum(v, ev) - (v.get(batteryP) as number)))).toBeLessThan(1e-6);
    }
  });

  it('closes with the direct green line: huaxin imports through the park that much less, the grid meter too, and every kWh is counted once', () => {
    const green = pointId('huaxin-green.p_kw');
    const greenKwh = pointId('huaxin-green.e_import_kwh');
    const huaxinImport = pointId('huaxin-meter.e_import_kwh');
    const huaxinBuildings = park.buildings.filter((b) => b.enterpriseId === 'huaxin').map((b) => pointId(`${b.id}-meter.e_import_kwh`));
    const first = week.snapshots[0] as ReadonlyMap<number, number>;
    const last = week.snapshots[week.snapshots.length - 1] as ReadonlyMap<number, number>;
    const delta = (id: number) => (last.get(id) as number) - (first.get(id) as number);
    const delivered = delta(greenKwh);
    // A 2 MW line over a week of coastal wind: tens of MWh, not nothing and not its rating all week.
    expect(delivered).toBeGreaterThan(2000 * 24 * 7 * 0.05);
    expect(delivered).toBeLessThan(2000 * 24 * 7 * 0.98);
    // The fab never exports, so its import register is its buildings' imports less the green line, to the Wh.
    expect(week.snapshots.every((v) => (v.get(pointId('huaxin-meter.p_kw')) as number) > 0)).toBe(true);
    const buildings = huaxinBuildings.reduce((s, id) => s + delta(id), 0);
    expect(delta(huaxinImport)).toBeCloseTo(buildings - delivered, 3);
    // Wind-like: it varies over the week, calm spells included or not, and stays within its rating.
    const ps = week.snapshots.map((v) => v.get(green) as number);
    expect(Math.max(...ps)).toBeLessThanOrEqual(2000);
    expect(Math.max(...ps) - Math.min(...ps)).toBeGreaterThan(500);
    // Step by step, the counter is the integral of the power.
    for (let i = 1; i < week.snapshots.length; i++) {
      const v = week.snapshots[i] as ReadonlyMap<number, number>;
      const prev = week.snapshots[i - 1] as ReadonlyMap<number, number>;
      expect((v.get(greenKwh) as number) - (prev.get(greenKwh) as number)).toBeCloseTo(((v.get(green) as number) * WEEK_STEP_MS) / 3_600_000, 6);
    }
  });

  it('turns wind into power on the turbine curve: nothing below cut-in or above cut-out, cubic to rated', () => {
    expect(windPowerFraction(2.9)).toBe(0);
    expect(windPowerFraction(12)).toBe(1);
    expect(windPowerFraction(24.9)).toBe(1);
    expect(windPowerFraction(25)).toBe(0);
    expect(windPowerFraction(7.5)).toBeCloseTo((7.5 ** 3 - 27) / (1728 - 27), 12);
  });

  it('splits a sub-meter into import and export registers by sign', () => {
    // Warehouses with big roofs export at noon: find one and check the export register moved.
    const first = week.snapshots[0] as ReadonlyMap<number, number>;
    const last = week.snapshots[week.snapshots.length - 1] as ReadonlyMap<number, number>;
    const exporters = park.buildings.filter((b) => {
      const id = pointId(`${b.id}-meter.e_export_kwh`);
      return (last.get(id) as number) > (first.get(id) as number);
    });
    expect(exporters.length).toBeGreaterThan(0);
    for (const b of exporters) {
      const sawNegative = week.snapshots.some((v) => (v.get(pointId(`${b.id}-meter.p_kw`)) as number) < 0);
      expect(sawNegative).toBe(true);
    }
  });
});

describe('battery', () => {
  const capacityKwh = park.assets.find((a) => a.id === 'bess1')?.rating.capacityKwh as number;
  const ratedKw = park.assets.find((a) => a.id === 'bess1')?.rating.ratedKw as number;

  it('keeps SOC within 10–95 % and power within its rating, and cycles during the week', () => {
    const socs = week.snapshots.map((v) => v.get(batterySoc) as number);
    for (const soc of socs) {
      expect(soc).toBeGreaterThanOrEqual(BATTERY_SOC_MIN * 100 - 1e-9);
      expect(soc).toBeLessThanOrEqual(BATTERY_SOC_MAX * 100 + 1e-9);
    }
    for (const v of week.snapshots) expect(Math.abs(v.get(batteryP) as number)).toBeLessThanOrEqual(ratedKw + 1e-9);
    expect(Math.max(...socs) - Math.min(...socs)).toBeGreaterThan(50);
  });

  it('integrates power into SOC with the round-trip efficiency split √η each way', () => {
    const sim = createParkSimulator({ park, seed: 5 });
    const eta = Math.sqrt(BATTERY_ROUND_TRIP_EFFICIENCY);
    let soc = sim.step(at(1, 0)).get(batterySoc) as number;
    let charged = 0;
    let discharged = 0;
    for (let t = at(1, 0) + MS_PER_MINUTE; t <= at(2, 0); t += MS_PER_MINUTE) {
      const v = sim.step(t);
      const p = v.get(batteryP) as number;
      const dtH = 1 / 60;
      const expected = soc + (p > 0 ? (-p * dtH) / eta : -p * dtH * eta) * (100 / capacityKwh);
      expect(v.get(batterySoc)).toBeCloseTo(expected, 9);
      soc = v.get(batterySoc) as number;
      if (p > 0) discharged += p * dtH;
      else charged -= p * dtH;
    }
    expect(charged).toBeGreaterThan(1000);
    expect(discharged).toBeGreaterThan(1000);
  });

  it('follows the schedule: charges in the valley night, discharges at the morning peak', () => {
    const hourOf = (i: number) => (((week.times[i] as number) - MONDAY_LOCAL_MIDNIGHT) / MS_PER_HOUR) % 24;
    const mean = (pred: (h: number) => boolean) => {
      const ps = week.snapshots.filter((_, i) => pred(hourOf(i))).map((v) => v.get(batteryP) as number);
      return ps.reduce((s, x) => s + x, 0) / ps.length;
    };
    expect(mean((h) => h >= 23.5 || h < 1)).toBeLessThan(0);
    expect(mean((h) => h >= 8 && h < 9)).toBeGreaterThan(0);
  });

  it('takes a written setpoint until the hold expires, and rejects one beyond its rating', () => {
    const sim = createParkSimulator({ park, seed: 9 });
    sim.step(at(0, 19)); // 19:00: the schedule says idle
    sim.setSetpoint('bess1', -750);
    expect(sim.value(pointId('bess1.setpoint_kw'))).toBe(-750);
    expect(sim.step(at(0, 19) + MS_PER_MINUTE).get(batteryP)).toBe(-750);
    const after = sim.step(at(0, 19) + MANUAL_SETPOINT_HOLD_MS + MS_PER_MINUTE);
    expect(after.get(pointId('bess1.setpoint_kw'))).toBe(0);
    expect(() => sim.setSetpoint('bess1', ratedKw * 2)).toThrow(expect.objectContaining({ code: 'setpoint_out_of_range' }));
    expect(() => sim.setSetpoint('grid', 1)).toThrow(CollectorError);
  });
});

describe('loads', () => {
  /** Mean of an enterprise meter over a local hour window on a given day of the week. */
  const meanOf = (tag: string, day: number, fromH: number, toH: number) => {
    const id = pointId(tag);
    const xs = week.times
      .map((t, i) => [t, week.snapshots[i] as ReadonlyMap<number, number>] as const)
      .filter(([t]) => t >= at(day, fromH) && t < at(day, toH))
      .map(([, v]) => v.get(id) as number);
    return xs.reduce((s, x) => s + x, 0) / xs.length;
  };
  /** Σ of an enterprise's load (meter + its PV + its direct green line), so sun and wind do not blur the comparison. */
  const grossLoad = (enterpriseId: string) => (day: number, fromH: number, toH: number) => {
    const pv = pointsWhere('pv_inverter', 'p_kw', (a) => a.enterpriseId === enterpriseId).concat(
      pointsWhere('green_line_meter', 'p_kw', (a) => a.enterpriseId === enterpriseId),
    );
    const meter = pointId(`${enterpriseId}-meter.p_kw`);
    const xs = week.times
      .map((t, i) => [t, week.snapshots[i] as ReadonlyMap<number, number>] as const)
      .filter(([t]) => t >= at(day, fromH) && t < at(day, toH))
      .map(([, v]) => (v.get(meter) as number) + sum(v, pv));
    return xs.reduce((s, x) => s + x, 0) / xs.length;
  };

  it('are lower at the weekend for a weekend factor < 1 (jinggong 0.3), not for the data centre (1.0)', () => {
    const jinggong = grossLoad('jinggong');
    const weekday = (jinggong(2, 9, 17) + jinggong(3, 9, 17)) / 2;
    const weekend = (jinggong(5, 9, 17) + jinggong(6, 9, 17)) / 2;
    expect(weekend).toBeLessThan(weekday * 0.6);
    const yunshu = grossLoad('yunshu');
    expect(yunshu(5, 9, 17)).toBeGreaterThan(yunshu(2, 9, 17) * 0.85);
  });

  it('scale building services by the weekend factor (lights and HVAC of a 0.3 plant drop at weekends)', () => {
    const services = (enterpriseId: string, day: number) => {
      const ids = pointsWhere('building_load', 'p_kw', (a) => a.enterpriseId === enterpriseId);
      const xs = week.times.flatMap((t, i) => (t >= at(day, 9) && t < at(day, 17) ? [sum(week.snapshots[i] as ReadonlyMap<number, number>, ids)] : []));
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    expect(services('jinggong', 5)).toBeLessThan(services('jinggong', 2) * 0.6);
    expect(services('yunshu', 5)).toBeGreaterThan(services('yunshu', 2) * 0.9);
  });

  it('follow the shifts: day-shift plants sleep at night, two-shift plants run into the evening', () => {
    const day = grossLoad('yuanhang'); // day shift
    expect(day(1, 2, 4)).toBeLessThan(day(1, 9, 11) * 0.7);
    expect(day(1, 20, 22)).toBeLessThan(day(1, 9, 11) * 0.7);
    const twoShift = grossLoad('hengtong');
    expect(twoShift(1, 19, 21)).toBeGreaterThan(twoShift(1, 2, 4) * 2);
    const continuous = grossLoad('huaxin');
    expect(continuous(1, 2, 4)).toBeGreaterThan(continuous(1, 9, 11) * 0.75);
    expect(meanOf('service-meter.p_kw', 1, 2, 4)).toBeLessThan(meanOf('service-meter.p_kw', 1, 9, 11) + 1e-9);
  });

  it('runs production lines with output proportional to power above standby', () => {
    const line = park.assets.find((a) => a.kind === 'production_line' && a.enterpriseId === 'hengtong');
    if (!line) throw new Error('no line');
    const ratios = week.snapshots
      .filter((v) => v.get(pointId(`${line.id}.running`)) === 1)
      .map(
        (v) => (v.get(pointId(`${line.id}.output_uph`)) as number) / ((v.get(pointId(`${line.id}.p_kw`)) as number) - (line.rating.ratedKw as number) * 0.06),
      );
    expect(ratios.length).toBeGreaterThan(100);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0] as number, 9);
    const stopped = week.snapshots.filter((v) => v.get(pointId(`${line.id}.running`)) === 0);
    for (const v of stopped) expect(v.get(pointId(`${line.id}.output_uph`))).toBe(0);
  });

  it('drives chillers harder on a July afternoon than on a January night, and converts boiler heat to gas', () => {
    const sim = createParkSimulator({ park, seed: 11, sky: 'clear' });
    const chillers = pointsWhere('chiller', 'p_kw');
    const july = sum(sim.step(at(2, 15)), chillers);
    const winter = createParkSimulator({ park, seed: 11 });
    const january = winter.step(Date.UTC(2025, 0, 14, 18)); // Tuesday 02:00 local
    expect(sum(january, chillers)).toBeLessThan(july * 0.6);
    const heat = january.get(pointId('boiler1.heat_kw')) as number;
    expect(heat).toBeGreaterThan(0);
    expect(january.get(pointId('boiler1.gas_m3h'))).toBeCloseTo(gasFlowM3h(heat), 9);
    expect(gasFlowM3h(1000)).toBeCloseTo((1000 * 3.6) / (0.92 * 35.9), 9);
  });

  it('meters bought steam: more while the shifts run and in winter, the GJ counter the integral of heat_kw', () => {
    const heat = pointId('tiancheng-heat.heat_kw');
    const gj = pointId('tiancheng-heat.e_heat_gj');
    const hourOf = (i: number) => (((week.times[i] as number) - MONDAY_LOCAL_MIDNIGHT) / MS_PER_HOUR) % 24;
    const mean = (pred: (h: number, i: number) => boolean) => {
      const xs = week.snapshots.filter((_, i) => pred(hourOf(i), i)).map((v) => v.get(heat) as number);
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    const weekdays = (i: number) => (week.times[i] as number) < at(5, 0);
    // tiancheng runs two shifts (06:00–22:00): the process steam follows them.
    expect(mean((h, i) => weekdays(i) && h >= 9 && h < 11)).toBeGreaterThan(2 * mean((h, i) => weekdays(i) && h >= 2 && h < 4));
    for (const v of week.snapshots) expect(v.get(heat)).toBeLessThanOrEqual(1800);
    for (let i = 1; i < week.snapshots.length; i++) {
      const v = week.snapshots[i] as ReadonlyMap<number, number>;
      const prev = week.snapshots[i - 1] as ReadonlyMap<number, number>;
      expect((v.get(gj) as number) - (prev.get(gj) as number)).toBeCloseTo((((v.get(heat) as number) * WEEK_STEP_MS) / 3_600_000) * GJ_PER_KWH, 9);
    }
    const july = createParkSimulator({ park, seed: 4 }).step(at(1, 10));
    const january = createParkSimulator({ park, seed: 4 }).step(Date.UTC(2025, 0, 14, 2)); // Tuesday 10:00 local
    expect(january.get(pointId('kangning-heat.heat_kw'))).toBeGreaterThan(july.get(pointId('kangning-heat.heat_kw')) as number);
  });

  it('connects EVs mostly in the morning on weekdays', () => {
    const connected = pointsWhere('ev_charger', 'connected');
    const meanConnected = (fromH: number, toH: number) => {
      let s = 0;
      let n = 0;
      for (let day = 0; day < 5; day++) {
        week.times.forEach((t, i) => {
          if (t >= at(day, fromH) && t < at(day, toH)) {
            s += sum(week.snapshots[i] as ReadonlyMap<number, number>, connected);
            n++;
          }
        });
      }
      return s / n;
    };
    expect(meanConnected(10, 12)).toBeGreaterThan(meanConnected(2, 5) + 3);
  });
});

describe('determinism and time', () => {
  it('gives identical values for the same seed and step times, different for another seed', () => {
    const a = createParkSimulator({ park, seed: 42, maxSubstepMs: WEEK_STEP_MS });
    const b = createParkSimulator({ park, seed: 42, maxSubstepMs: WEEK_STEP_MS });
    const c = createParkSimulator({ park, seed: 43, maxSubstepMs: WEEK_STEP_MS });
    for (let t = at(0, 0); t <= at(0, 2); t += 10 * MS_PER_MINUTE) {
      const va = a.step(t);
      expect(b.step(t)).toEqual(va);
      c.step(t);
    }
    expect(c.values()).not.toEqual(a.values());
    // …and the same as the long week run at the same time.
    expect(a.values()).toEqual(week.snapshots[24]);
  });

  it('integrates a long step in the same sub-steps as many short ones', () => {
    const a = createParkSimulator({ park, seed: 8 });
    const b = createParkSimulator({ park, seed: 8 });
    a.step(at(0, 6));
    b.step(at(0, 6));
    for (let t = at(0, 6) + MS_PER_MINUTE; t <= at(0, 9); t += MS_PER_MINUTE) a.step(t);
    expect(b.step(at(0, 9))).toEqual(a.values());
  });

  it('refuses to go back in time and treats a repeated time as a no-op', () => {
    const sim = createParkSimulator({ park, seed: 1 });
    const v = sim.step(at(0, 10));
    expect(sim.step(at(0, 10))).toEqual(v);
    expect(() => sim.step(at(0, 9))).toThrow(expect.objectContaining({ code: 'time_went_backwards' }));
    expect(sim.readings()).toHaveLength(park.points.length);
    expect(sim.readings().every((r) => r.quality === 'good' && r.ts === at(0, 10))).toBe(true);
  });
});
