import { carrierMeters, energyMeters, enterpriseOfAsset } from '../../park/energy-meters.js';
import type { Park } from '../../park/schema.js';
import { HEAT_TCE_PER_GJ } from '../energy-tce.js';
import { FUELS, fuelFactor } from '../factors/fuels.js';
import { DEFAULT_PARAMETERS } from '../parameters.js';

/** Length of one live carbon window (tumbling, aligned to UTC minutes). */
export const CARBON_WINDOW_MS = 60_000;
/** How long after its end a window still accepts late readings before it closes. */
export const CARBON_WINDOW_GRACE_MS = 10_000;

export interface CarbonWindowOptions {
  /** Park-method electricity factor, tCO2/MWh (parameter `elec.park_method_factor_t_per_mwh`). */
  factorTPerMwh: number;
  /** Electricity at equivalent value, tce/MWh (= kgce/kWh, parameter `elec.equivalent_value_kgce_per_kwh`). */
  tcePerMwh: number;
  /** Fossil bought heat, tCO2/GJ. Default: parameter `heat.default_fossil_factor_t_per_gj` (0.11). */
  heatFactorTPerGj?: number;
  /** Bought heat in tce, tce/GJ. Default GB/T 2589: 0.03412. */
  heatTcePerGj?: number;
  /** Natural gas, tCO2/Nm³. Default: the fuel library's computed factor (0.00216219). */
  gasFactorTPerM3?: number;
  /** Natural gas in tce, tce/Nm³. Default GB/T 2589: 0.00133. */
  gasTcePerM3?: number;
  windowMs?: number;
  graceMs?: number;
}

/** Emissions and energy of one carrier in one window. */
export interface CarrierFigures {
  tco2: number;
  tce: number;
}

/** One scope's figures in one window. */
export interface CarbonFigures {
  /** Electricity consumed: net grid import plus own PV generation plus direct green supply, kWh. */
  kwh: number;
  /** Net grid import, kWh (negative when the scope exported more than it imported). */
  gridKwh: number;
  /**
   * Emissions: grid import at the park-method factor (PV, its exported surplus and direct green
   * are EF 0) + fossil bought heat + natural gas, tCO2.
   */
  tco2: number;
  /** Comprehensive energy consumption of the electricity, bought heat and gas, tce. */
  tce: number;
  /** tCO2 per tce; null when nothing was consumed. */
  intensity: number | null;
  /** Direct green supply received (绿电直连), kWh — inside `kwh`, EF 0. */
  directGreenKwh: number;
  /** Bought heat received (fossil and non-fossil), GJ. */
  heatGj: number;
  /** Natural gas burnt, Nm³ (m³ counters taken as Nm³). */
  gasM3: number;
  /** `tco2` and `tce` by carrier; they add up to the totals before rounding. */
  carriers: { electricity: CarrierFigures; heat: CarrierFigures; gas: CarrierFigures };
}

export interface EnterpriseCarbonWindow extends CarbonFigures {
  enterpriseId: string;
}

/** A closed window: the park and every enterprise with a meter. */
export interface CarbonWindow {
  parkId: string;
  /** Epoch ms, a multiple of the window length. */
  windowStart: number;
  windowMs: number;
  factorTPerMwh: number;
  tcePerMwh: number;
  heatFactorTPerGj: number;
  heatTcePerGj: number;
  gasFactorTPerM3: number;
  gasTcePerM3: number;
  park: CarbonFigures;
  enterprises: EnterpriseCarbonWindow[];
}

export interface CarbonWindowStats {
  /** Readings of meter points taken into a window. */
  accepted: number;
  /** Counter decreases treated as a reset (the new value counted from zero). */
  resets: number;
  /** Readings older than the point's last one (out of order), ignored. */
  outOfOrder: number;
  /** Readings whose window had already closed; their energy is lost to the live view. */
  late: number;
}

export interface CarbonWindows {
  /** Feeds one reading; readings of points that are not energy counters are ignored. */
  add(pointId: number, ts: number, value: number): void;
  /** Closes and returns (oldest first) every window whose end + grace is ≤ nowMs. */
  advance(nowMs: number): CarbonWindow[];
  stats(): CarbonWindowStats;
}

type Role = { scope: 'park' | 'enterprise'; enterpriseId: string | null; kind: keyof Sums };

interface Sums {
  imported: number;
  exported: number;
  pv: number;
  green: number;
  heatFossil: number;
  heatNonFossil: number;
  gas: number;
}

const emptySums = (): Sums => ({ imported: 0, exported: 0, pv: 0, green: 0, heatFossil: 0, heatNonFossil: 0, gas: 0 });

/**
 * Live 1-minute carbon of a park and its enterprises from the meter counters in the
 * telemetry stream (the seed's real-time carbon job). Rules CARB-LIVE-1..5 in ../SPEC.md.
 *
 * Each counter reading adds its increase since the point's previous reading to the window
 * holding the reading's timestamp; a decrease is a counter reset and counts the new value
 * from zero. A window closes once the clock passes its end plus the grace, so readings that
 * arrive a little late still land in their window.
 *
 * Scopes use the counters of `energyMeters` (consumption: import − export + the scope's PV
 * generation + its direct green supply; emissions: import at the park-method factor, PV, its
 * exported surplus and direct green EF 0) and of `carrierMeters`: bought heat (fossil at the heat
 * factor, non-fossil EF 0, both in tce) and natural gas. Without grid meters the park's grid
 * figures are the sum of its enterprises'. Park-level gas boilers count in the park only.
 * Figures are for display: rounded to 0.001 kWh and 1e-6 t; the period ledgers are the exact
 * accounting.
 *
 * @example
 * const w = createCarbonWindows(park, { factorTPerMwh: 0.8325, tcePerMwh: 0.3 });
 * w.add(meterPointId, Date.UTC(2026, 0, 1, 0, 0, 5), 1000.5);
 * w.advance(Date.UTC(2026, 0, 1, 0, 1, 10)); // → [{ windowStart: …00:00, park: {...}, enterprises: [...] }]
 */
export function createCarbonWindows(park: Park, options: CarbonWindowOptions): CarbonWindows {
  const windowMs = options.windowMs ?? CARBON_WINDOW_MS;
  const heatFactorTPerGj = options.heatFactorTPerGj ?? Number(DEFAULT_PARAMETERS['heat.default_fossil_factor_t_per_gj'].value);
  const heatTcePerGj = options.heatTcePerGj ?? Number(HEAT_TCE_PER_GJ);
  const gasFactorTPerM3 = options.gasFactorTPerM3 ?? fuelFactor(FUELS.natural_gas).toNumber();
  const gasTcePerM3 = options.gasTcePerM3 ?? Number(FUELS.natural_gas.tcePerUnit);
  const graceMs = options.graceMs ?? CARBON_WINDOW_GRACE_MS;
  const roles = new Map<number, Role[]>();
  const addRole = (pointId: number, role: Role) => roles.set(pointId, [...(roles.get(pointId) ?? []), role]);
  const enterpriseIds = park.enterprises.map((e) => e.id);
  let parkHasGridMeter = false;
  for (const m of energyMeters(park)) {
    if (m.scope === 'park') parkHasGridMeter = true;
    addRole(m.pointId, { scope: m.scope, enterpriseId: m.enterpriseId, kind: m.direction === 'import' ? 'imported' : 'exported' });
  }
  const assetById = new Map(park.assets.map((a) => [a.id, a]));
  for (const p of park.points) {
    const asset = assetById.get(p.assetId);
    if (asset?.kind !== 'pv_inverter' || p.metric !== 'e_kwh' || p.kind !== 'counter') continue;
    addRole(p.id, { scope: 'park', enterpriseId: null, kind: 'pv' });
    const enterpriseId = enterpriseOfAsset(park, asset);
    if (enterpriseId) addRole(p.id, { scope: 'enterprise', enterpriseId, kind: 'pv' });
  }
  for (const m of carrierMeters(park)) {
    const kind: Role['kind'] =
      m.carrier === 'gas' ? 'gas' : m.carrier === 'direct_green' ? 'green' : m.origin === 'non_fossil' ? 'heatNonFossil' : 'heatFossil';
    addRole(m.pointId, { scope: 'park', enterpriseId: null, kind });
    if (m.enterpriseId) addRole(m.pointId, { scope: 'enterprise', enterpriseId: m.enterpriseId, kind });
  }

  const last = new Map<number, { ts: number; value: number }>();
  /** windowStart → scope key ('' = park) → sums. */
  const open = new Map<number, Map<string, Sums>>();
  let closedBefore = Number.NEGATIVE_INFINITY;
  const stats: CarbonWindowStats = { accepted: 0, resets: 0, outOfOrder: 0, late: 0 };

  const figures = (sums: Sums | undefined): CarbonFigures => {
    const s = sums ?? emptySums();
    const grid = s.imported - s.exported;
    const kwh = Math.max(0, grid + s.pv + s.green);
    // Export is on-site PV surplus, non-fossil (EF 0, CARB-PM-4): it does not offset imports.
    // Direct green supply is EF 0 too, and counts in tce at the equivalent value (CARB-TCE-2).
    const elec = { tco2: (s.imported * options.factorTPerMwh) / 1000, tce: (kwh * options.tcePerMwh) / 1000 };
    const heatGj = s.heatFossil + s.heatNonFossil;
    const heat = { tco2: s.heatFossil * heatFactorTPerGj, tce: heatGj * heatTcePerGj };
    const gas = { tco2: s.gas * gasFactorTPerM3, tce: s.gas * gasTcePerM3 };
    const tco2 = elec.tco2 + heat.tco2 + gas.tco2;
    const tce = elec.tce + heat.tce + gas.tce;
    const carrier = (c: CarrierFigures): CarrierFigures => ({ tco2: round(c.tco2, 6), tce: round(c.tce, 6) });
    return {
      kwh: round(kwh, 3),
      gridKwh: round(grid, 3),
      tco2: round(tco2, 6),
      tce: round(tce, 6),
      intensity: tce > 0 ? round(tco2 / tce, 4) : null,
      directGreenKwh: round(s.green, 3),
      heatGj: round(heatGj, 6),
      gasM3: round(s.gas, 3),
      carriers: { electricity: carrier(elec), heat: carrier(heat), gas: carrier(gas) },
    };
  };

  return {
    add(pointId, ts, value) {
      const pointRoles = roles.get(pointId);
      if (!pointRoles || !Number.isFinite(value) || !Number.isFinite(ts)) return;
      const prev = last.get(pointId);
      if (prev && ts <= prev.ts) {
        stats.outOfOrder++;
        return;
      }
      last.set(pointId, { ts, value });
      if (!prev) return; // the first reading is the baseline
      let delta = value - prev.value;
      if (delta < 0) {
        stats.resets++;
        delta = value;
      }
      const windowStart = Math.floor(ts / windowMs) * windowMs;
      if (windowStart < closedBefore) {
        stats.late++;
        return;
      }
      stats.accepted++;
      let scopes = open.get(windowStart);
      if (!scopes) {
        scopes = new Map();
        open.set(windowStart, scopes);
      }
      for (const r of pointRoles) {
        const key = r.scope === 'park' ? '' : (r.enterpriseId as string);
        let s = scopes.get(key);
        if (!s) {
          s = emptySums();
          scopes.set(key, s);
        }
        s[r.kind] += delta;
      }
    },
    advance(nowMs) {
      const closed: CarbonWindow[] = [];
      const due = [...open.keys()].filter((start) => start + windowMs + graceMs <= nowMs).sort((a, b) => a - b);
      for (const start of due) {
        const scopes = open.get(start) as Map<string, Sums>;
        open.delete(start);
        let parkSums = scopes.get('');
        if (!parkHasGridMeter) {
          parkSums = { ...(parkSums ?? emptySums()), imported: 0, exported: 0 };
          for (const id of enterpriseIds) {
            parkSums.imported += scopes.get(id)?.imported ?? 0;
            parkSums.exported += scopes.get(id)?.exported ?? 0;
          }
        }
        closed.push({
          parkId: park.id,
          windowStart: start,
          windowMs,
          factorTPerMwh: options.factorTPerMwh,
          tcePerMwh: options.tcePerMwh,
          heatFactorTPerGj,
          heatTcePerGj,
          gasFactorTPerM3,
          gasTcePerM3,
          park: figures(parkSums),
          enterprises: enterpriseIds.map((enterpriseId) => ({ enterpriseId, ...figures(scopes.get(enterpriseId)) })),
        });
      }
      const horizon = Math.floor((nowMs - graceMs) / windowMs) * windowMs;
      if (horizon > closedBefore) closedBefore = horizon;
      return closed;
    },
    stats: () => ({ ...stats }),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}
