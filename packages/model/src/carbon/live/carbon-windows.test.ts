import { describe, expect, it } from 'vitest';
import { demoPark } from '../../park/demo-park.js';
import { CarbonWindowSchema } from '../../protocol/socket-events.js';
import { createCarbonWindows } from './carbon-windows.js';

// Demo park points: 5/6 grid import/export; huaxin main meter 79/80; lvyuan 200/201.
const GRID_IN = 5;
const GRID_OUT = 6;
const HUAXIN_IN = 79;
const HUAXIN_OUT = 80;
const LVYUAN_IN = 200;
const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const S = 1000;
const park = demoPark();
const pvPointOf = (assetId: string) => park.points.find((p) => p.assetId === assetId && p.metric === 'e_kwh')?.id as number;
const opts = { factorTPerMwh: 0.8325, tcePerMwh: 0.3 };

describe('createCarbonWindows', () => {
  it('CARB-LIVE-1/4: sums counter deltas per UTC minute and converts at the park-method factor', () => {
    const w = createCarbonWindows(park, opts);
    w.add(HUAXIN_IN, T0 - 5 * S, 1000); // baseline, in the previous minute
    w.add(HUAXIN_IN, T0 + 20 * S, 1040);
    w.add(HUAXIN_IN, T0 + 50 * S, 1100); // 100 kWh in the 08:00 window
    w.add(GRID_IN, T0 + 1 * S, 5000);
    w.add(GRID_IN, T0 + 59 * S, 5400); // 400 kWh
    w.add(GRID_OUT, T0 + 1 * S, 10);
    w.add(GRID_OUT, T0 + 59 * S, 20); // 10 kWh exported
    expect(w.advance(T0 + 69_999)).toEqual([]); // still in grace
    const [win, ...rest] = w.advance(T0 + 70 * S);
    expect(rest).toEqual([]);
    expect(win?.windowStart).toBe(T0);
    const huaxin = win?.enterprises.find((e) => e.enterpriseId === 'huaxin');
    // 100 kWh × 0.8325 t/MWh = 0.08325 t; × 0.3 tce/MWh = 0.03 tce; 0.08325 / 0.03 = 2.775
    expect(huaxin).toEqual({
      enterpriseId: 'huaxin',
      kwh: 100,
      gridKwh: 100,
      tco2: 0.08325,
      tce: 0.03,
      intensity: 2.775,
      directGreenKwh: 0,
      heatGj: 0,
      gasM3: 0,
      carriers: { electricity: { tco2: 0.08325, tce: 0.03 }, heat: { tco2: 0, tce: 0 }, gas: { tco2: 0, tce: 0 } },
    });
    // park: 400 − 10 = 390 kWh consumed → 0.117 tce; the 400 kWh imported → 0.333 t (the export
    // is PV surplus, EF 0, and offsets nothing); 0.333 / 0.117 = 2.846153… → 2.8462
    expect(win?.park).toMatchObject({ kwh: 390, gridKwh: 390, tco2: 0.333, tce: 0.117, intensity: 2.8462 });
    expect(win?.enterprises.find((e) => e.enterpriseId === 'lvyuan')).toMatchObject({ kwh: 0, tco2: 0, tce: 0, intensity: null });
    expect(CarbonWindowSchema.safeParse(win).success).toBe(true);
  });

  it('CARB-LIVE-4: counts own PV as zero-emission consumption, lowering the intensity', () => {
    const w = createCarbonWindows(park, opts);
    const pv = pvPointOf('huaxin-b1-pv1');
    w.add(HUAXIN_IN, T0, 0);
    w.add(HUAXIN_IN, T0 + 30 * S, 60); // 60 kWh from the grid
    w.add(pv, T0, 500);
    w.add(pv, T0 + 30 * S, 540); // 40 kWh of PV
    const huaxin = w.advance(T0 + 2 * 60 * S)[0]?.enterprises.find((e) => e.enterpriseId === 'huaxin');
    // 100 kWh consumed → 0.03 tce; 60 kWh grid → 0.04995 t; 0.04995 / 0.03 = 1.665
    expect(huaxin).toMatchObject({ kwh: 100, gridKwh: 60, tco2: 0.04995, tce: 0.03, intensity: 1.665 });
  });

  it('CARB-LIVE-4: net export emits nothing', () => {
    const w = createCarbonWindows(park, opts);
    const pv = pvPointOf('huaxin-b1-pv1');
    w.add(HUAXIN_OUT, T0, 0);
    w.add(HUAXIN_OUT, T0 + 10 * S, 30);
    w.add(pv, T0, 0);
    w.add(pv, T0 + 10 * S, 50); // 50 generated, 30 exported → 20 consumed
    const huaxin = w.advance(T0 + 2 * 60 * S)[0]?.enterprises.find((e) => e.enterpriseId === 'huaxin');
    expect(huaxin).toMatchObject({ kwh: 20, gridKwh: -30, tco2: 0, tce: 0.006, intensity: 0 });
  });

  it('CARB-LIVE-2: treats a counter decrease as a reset and counts the new value from zero', () => {
    const w = createCarbonWindows(park, opts);
    w.add(LVYUAN_IN, T0, 900);
    w.add(LVYUAN_IN, T0 + 10 * S, 950); // +50
    w.add(LVYUAN_IN, T0 + 20 * S, 7); // reset → +7
    w.add(LVYUAN_IN, T0 + 30 * S, 10); // +3
    const lvyuan = w.advance(T0 + 2 * 60 * S)[0]?.enterprises.find((e) => e.enterpriseId === 'lvyuan');
    expect(lvyuan?.kwh).toBe(60);
    expect(w.stats()).toMatchObject({ resets: 1, accepted: 3 });
  });

  it('CARB-LIVE-3: puts a late reading within the grace into its own window; after close it is counted as late', () => {
    const w = createCarbonWindows(park, opts);
    w.add(LVYUAN_IN, T0, 0);
    w.add(LVYUAN_IN, T0 + 30 * S, 10);
    w.add(HUAXIN_IN, T0 + 61 * S, 0);
    w.add(HUAXIN_IN, T0 + 62 * S, 5); // the 08:01 window is open
    expect(w.advance(T0 + 65 * S)).toEqual([]);
    w.add(LVYUAN_IN, T0 + 59 * S, 25); // arrives at 08:01:05, belongs to 08:00
    const first = w.advance(T0 + 70 * S);
    expect(first.map((x) => x.windowStart)).toEqual([T0]);
    expect(first[0]?.enterprises.find((e) => e.enterpriseId === 'lvyuan')?.kwh).toBe(25);
    w.add(LVYUAN_IN, T0 + 59_500, 30); // 08:00 has closed
    expect(w.stats()).toMatchObject({ late: 1 });
    const second = w.advance(T0 + 130 * S);
    expect(second.map((x) => x.windowStart)).toEqual([T0 + 60 * S]);
    expect(second[0]?.enterprises.find((e) => e.enterpriseId === 'huaxin')?.kwh).toBe(5);
    expect(second[0]?.enterprises.find((e) => e.enterpriseId === 'lvyuan')?.kwh).toBe(0);
  });

  it('CARB-LIVE-2: ignores readings older than the point’s last one and points that are not meters', () => {
    const w = createCarbonWindows(park, opts);
    w.add(LVYUAN_IN, T0 + 10 * S, 100);
    w.add(LVYUAN_IN, T0 + 5 * S, 50);
    w.add(1, T0 + 5 * S, 50);
    expect(w.stats()).toMatchObject({ outOfOrder: 1, accepted: 0 });
    expect(w.advance(T0 + 10 * 60 * S)).toEqual([]);
  });
});

describe('createCarbonWindows: bought heat, gas and direct green supply', () => {
  const tag = (t: string) => park.points.find((p) => p.tag === t)?.id as number;
  const feed = (w: ReturnType<typeof createCarbonWindows>, t: string, from: number, to: number) => {
    w.add(tag(t), T0 + 1 * S, from);
    w.add(tag(t), T0 + 55 * S, to);
  };

  it('CARB-LIVE-4: adds fossil heat at 0.11 t/GJ and 0.03412 tce/GJ to the enterprise that bought it', () => {
    const w = createCarbonWindows(park, opts);
    feed(w, 'tiancheng-meter.e_import_kwh', 0, 50);
    feed(w, 'tiancheng-heat.e_heat_gj', 100, 102.5);
    const [win] = w.advance(T0 + 70 * S);
    // electricity 50 kWh → 0.041625 t, 0.015 tce; heat 2.5 GJ → 0.275 t, 0.0853 tce;
    // 0.316625 t / 0.1003 tce = 3.15677… → 3.1568
    expect(win?.enterprises.find((e) => e.enterpriseId === 'tiancheng')).toEqual({
      enterpriseId: 'tiancheng',
      kwh: 50,
      gridKwh: 50,
      tco2: 0.316625,
      tce: 0.1003,
      intensity: 3.1568,
      directGreenKwh: 0,
      heatGj: 2.5,
      gasM3: 0,
      carriers: { electricity: { tco2: 0.041625, tce: 0.015 }, heat: { tco2: 0.275, tce: 0.0853 }, gas: { tco2: 0, tce: 0 } },
    });
    expect(win).toMatchObject({ heatFactorTPerGj: 0.11, heatTcePerGj: 0.03412, gasFactorTPerM3: 0.00216219, gasTcePerM3: 0.00133 });
  });

  it('CARB-LIVE-4: counts direct green supply as consumed electricity at EF 0 (in tce), not as grid import', () => {
    const w = createCarbonWindows(park, opts);
    feed(w, 'huaxin-meter.e_import_kwh', 0, 80);
    feed(w, 'huaxin-green.e_import_kwh', 5000, 5120);
    const huaxin = w.advance(T0 + 70 * S)[0]?.enterprises.find((e) => e.enterpriseId === 'huaxin');
    // 80 + 120 = 200 kWh consumed → 0.06 tce; only the 80 kWh from the grid emit: 0.0666 t; 0.0666 / 0.06 = 1.11
    expect(huaxin).toMatchObject({ kwh: 200, gridKwh: 80, directGreenKwh: 120, tco2: 0.0666, tce: 0.06, intensity: 1.11 });
  });

  it('CARB-LIVE-4: puts park-level gas boilers and every carrier in the park window; the park keeps its grid meter', () => {
    const w = createCarbonWindows(park, opts);
    feed(w, 'grid.e_import_kwh', 0, 130);
    feed(w, 'huaxin-green.e_import_kwh', 0, 120);
    feed(w, 'tiancheng-heat.e_heat_gj', 0, 2.5);
    feed(w, 'boiler1.gas_m3', 1000, 1100);
    const [win] = w.advance(T0 + 70 * S);
    // grid 130 kWh → 0.108225 t; 250 kWh with the green line → 0.075 tce; heat 0.275 t, 0.0853 tce;
    // gas 100 Nm³ × 0.00216219 = 0.216219 t, × 0.00133 = 0.133 tce; 0.599444 / 0.2933 = 2.04379… → 2.0438
    expect(win?.park).toMatchObject({ kwh: 250, gridKwh: 130, directGreenKwh: 120, heatGj: 2.5, gasM3: 100, tco2: 0.599444, tce: 0.2933, intensity: 2.0438 });
    expect(win?.park.carriers.gas).toEqual({ tco2: 0.216219, tce: 0.133 });
    // The park's own boiler belongs to no enterprise.
    expect(win?.enterprises.every((e) => e.gasM3 === 0)).toBe(true);
  });

  it('CARB-LIVE-4: gives non-fossil heat EF 0 but counts it in tce; takes measured factors from the options', () => {
    const greenHeat = { ...park, assets: park.assets.map((a) => (a.id === 'kangning-heat' ? { ...a, heatOrigin: 'non_fossil' as const } : a)) };
    const w = createCarbonWindows(greenHeat, { ...opts, heatFactorTPerGj: 0.09, gasFactorTPerM3: 0.002 });
    feed(w, 'kangning-heat.e_heat_gj', 0, 10);
    feed(w, 'tiancheng-heat.e_heat_gj', 0, 10);
    feed(w, 'boiler1.gas_m3', 0, 50);
    const [win] = w.advance(T0 + 70 * S);
    // 10 GJ × 0.03412 = 0.3412 tce, no CO2.
    expect(win?.enterprises.find((e) => e.enterpriseId === 'kangning')).toMatchObject({ heatGj: 10, tco2: 0, tce: 0.3412, intensity: 0 });
    // Measured 0.09 t/GJ for the fossil heat: 0.9 t; gas at 0.002 t/Nm³: 0.1 t.
    expect(win?.enterprises.find((e) => e.enterpriseId === 'tiancheng')?.tco2).toBe(0.9);
    expect(win?.park.carriers).toMatchObject({ heat: { tco2: 0.9, tce: 0.6824 }, gas: { tco2: 0.1, tce: 0.0665 } });
    expect(win).toMatchObject({ heatFactorTPerGj: 0.09, gasFactorTPerM3: 0.002 });
  });

  it('keeps the v1 window schema backward compatible: a window without the new fields still parses', () => {
    const w = createCarbonWindows(park, opts);
    feed(w, 'tiancheng-heat.e_heat_gj', 0, 1);
    const [win] = w.advance(T0 + 70 * S);
    expect(CarbonWindowSchema.parse(win)).toEqual(win);
    const old = {
      parkId: 'demo',
      windowStart: T0,
      windowMs: 60_000,
      factorTPerMwh: 0.8325,
      tcePerMwh: 0.3,
      park: { kwh: 1, gridKwh: 1, tco2: 0.0008325, tce: 0.0003, intensity: 2.775 },
      enterprises: [{ enterpriseId: 'huaxin', kwh: 1, gridKwh: 1, tco2: 0.0008325, tce: 0.0003, intensity: 2.775 }],
    };
    expect(CarbonWindowSchema.safeParse(old).success).toBe(true);
  });
});

describe('carbon subjects', () => {
  it('name the park-wide and per-enterprise windows under the park', async () => {
    const { subjects, subjectMatches } = await import('../../protocol/subjects.js');
    expect(subjects.carbonOfPark('demo')).toBe('park.demo.carbon._park');
    expect(subjects.carbon('demo', 'huaxin')).toBe('park.demo.carbon.huaxin');
    expect(subjectMatches(subjects.carbonAll('demo'), subjects.carbonOfPark('demo'))).toBe(true);
  });
});
