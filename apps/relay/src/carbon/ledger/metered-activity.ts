import { type ActivityItem, carrierMeters, energyMeters, enterpriseOfAsset, type Park } from '@zcp/model';
import { energyIncreases } from '../../storage/rollups/index.js';
import type { SqlClient } from '../../storage/sql-client.js';
import { type LedgerPeriod, monthRangeMs } from './periods.js';

/** Metered activity of one enterprise: electricity items per month, from its meters' rollups. */
export interface MeteredEnterpriseActivity {
  enterpriseId: string;
  activities: ActivityItem[];
}

export interface MeteredActivityOptions {
  /**
   * Origin stated for metered grid export (CARB-IN-1 requires one). Enterprise export meters sit
   * behind on-site PV, so the default is `non_fossil`; a park exporting from fossil generation
   * says so here.
   */
  exportOrigin?: 'fossil' | 'non_fossil';
  /** The enterprise that accounts for park-level gas boilers (no enterprise of their own); absent: they are left out. */
  parkAssetsEnterpriseId?: string;
}

/** Thousandths as exact decimal text (Wh → kWh): 1234567 → '1234.567'. */
export function whToKwhText(wh: number): string {
  const whole = Math.trunc(wh / 1000);
  const frac = String(wh % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/**
 * What each metered series of an enterprise is: its grid meters, PV, gas, bought heat of one
 * origin (`heat:fossil`, `heat:non_fossil`) or one direct green facility (`green:<facilityId>`).
 */
type Series = 'import' | 'export' | 'pv' | 'gas' | `heat:${'fossil' | 'non_fossil'}` | `green:${string}`;

/**
 * Metered activity of every enterprise per month of `period`, from counter increases read from
 * the rollups at 1 h (1 min when the park's UTC offset is not whole hours); months are the
 * park's local months. Per enterprise and month:
 *  - `grid_import` / `grid_export` from its energy meters (`energyMeters` of @zcp/model: main
 *    meters, else building meters, else loads);
 *  - `pv_self`: its PV inverters' generation minus its grid export (never below 0) — export
 *    meters sit behind the PV, so what was generated and not exported was used on site;
 *  - `direct_green` (kWh) per supplying facility from its green line meters (`e_import_kwh`),
 *    with the `facilityId` so a certificate of the same plant is not applied (CARB-CERT-3);
 *  - `heat` import (GJ) per origin from its heat meters (`e_heat_gj`; origin from the asset,
 *    fossil when absent — CARB-PM-5 then takes the default fossil factor);
 *  - natural gas (Nm³, `heat_supply`) of its gas boilers' `gas_m3` counters; park-level boilers
 *    (no enterprise) count only when `parkAssetsEnterpriseId` names who accounts for them.
 * Each item's source is `metered` and names its points. Series without points give no items;
 * a month without readings gives 0.
 *
 * @example
 * const items = await meteredActivity(store.sql, park, parseLedgerPeriod('2025-Q1')!)
 * items[0].activities[0] // { kind: 'electricity', flow: 'grid_import', month: '2025-01', quantity: '1234.5', unit: 'kWh', source: { type: 'metered', … } }
 */
export async function meteredActivity(
  sql: SqlClient,
  park: Park,
  period: LedgerPeriod,
  options: MeteredActivityOptions = {},
): Promise<MeteredEnterpriseActivity[]> {
  const offsetH = park.location.utcOffsetH;
  const resolution = Number.isInteger(offsetH) ? '1h' : '1m';
  const index = new Map(park.enterprises.map((e, i) => [e.id, i]));
  const points = new Map<string, number[]>();
  /** `${enterpriseId}/${series}` → the group number the rollup query sums under. */
  const groups = new Map<string, number>();
  const add = (enterpriseId: string | null, series: Series, pointId: number) => {
    if (enterpriseId === null || !index.has(enterpriseId)) return;
    const key = `${enterpriseId}/${series}`;
    if (!groups.has(key)) groups.set(key, groups.size);
    points.set(key, [...(points.get(key) ?? []), pointId]);
  };
  for (const m of energyMeters(park)) if (m.scope === 'enterprise') add(m.enterpriseId, m.direction, m.pointId);
  const assets = new Map(park.assets.map((a) => [a.id, a]));
  for (const p of park.points) {
    const asset = assets.get(p.assetId);
    if (p.kind !== 'counter' || !asset) continue;
    if (asset.kind === 'pv_inverter' && p.metric === 'e_kwh' && p.unit === 'kWh') add(enterpriseOfAsset(park, asset), 'pv', p.id);
  }
  for (const m of carrierMeters(park)) {
    if (m.carrier === 'gas') add(m.enterpriseId ?? options.parkAssetsEnterpriseId ?? null, 'gas', m.pointId);
    else if (m.carrier === 'heat') add(m.enterpriseId, `heat:${m.origin ?? 'fossil'}`, m.pointId);
    else add(m.enterpriseId, `green:${m.facilityId ?? ''}`, m.pointId);
  }
  const groupOf = (enterpriseId: string, series: Series): number => groups.get(`${enterpriseId}/${series}`) ?? -1;
  const ranges = period.months.map((month) => ({ month, range: monthRangeMs(month, offsetH) }));
  const rows = await energyIncreases(sql, {
    meters: [...points].flatMap(([key, ids]) => {
      return ids.map((pointId) => ({ pointId, group: groups.get(key) as number }));
    }),
    fromMs: ranges[0]?.range[0] as number,
    toMs: ranges[ranges.length - 1]?.range[1] as number,
    resolution,
  });
  // Thousandths (Wh, litres, MJ) per (group, month), so sums are exact integers.
  const milli = new Map<string, number>();
  for (const r of rows) {
    const month = ranges.find((x) => r.t >= x.range[0] && r.t < x.range[1])?.month;
    if (!month) continue;
    const key = `${r.group}/${month}`;
    milli.set(key, (milli.get(key) ?? 0) + Math.round(r.increase * 1000));
  }
  const exportOrigin = options.exportOrigin ?? 'non_fossil';
  return park.enterprises.map((e) => {
    const activities: ActivityItem[] = [];
    const of = (series: Series, month: string) => Math.max(0, milli.get(`${groupOf(e.id, series)}/${month}`) ?? 0);
    const source = (series: Series, what: string): ActivityItem['source'] => ({
      type: 'metered',
      note: `telemetry rollups ${resolution}: ${what}, points ${points.get(`${e.id}/${series}`)?.join(', ')}`,
    });
    const has = (series: Series) => points.has(`${e.id}/${series}`);
    const mine = [...points.keys()].filter((k) => k.startsWith(`${e.id}/`)).map((k) => k.slice(e.id.length + 1) as Series);
    const greens = mine.filter((x) => x.startsWith('green:')).sort();
    const heats = (['heat:fossil', 'heat:non_fossil'] as const).filter(has);
    for (const { month } of ranges) {
      const id = (what: string) => `metered:${e.id}:${what}:${month}`;
      if (has('import'))
        activities.push({
          id: id('grid_import'),
          kind: 'electricity',
          flow: 'grid_import',
          month,
          quantity: whToKwhText(of('import', month)),
          unit: 'kWh',
          source: source('import', 'grid import meters'),
        });
      if (has('export'))
        activities.push({
          id: id('grid_export'),
          kind: 'electricity',
          flow: 'grid_export',
          origin: exportOrigin,
          month,
          quantity: whToKwhText(of('export', month)),
          unit: 'kWh',
          source: source('export', 'grid export meters'),
        });
      if (has('pv'))
        activities.push({
          id: id('pv_self'),
          kind: 'electricity',
          flow: 'pv_self',
          month,
          quantity: whToKwhText(Math.max(0, of('pv', month) - of('export', month))),
          unit: 'kWh',
          source: source('pv', 'PV generation minus grid export'),
        });
      for (const series of greens) {
        const facilityId = series.slice('green:'.length);
        activities.push({
          id: id(facilityId ? `direct_green:${facilityId}` : 'direct_green'),
          kind: 'electricity',
          flow: 'direct_green',
          ...(facilityId ? { facilityId } : {}),
          month,
          quantity: whToKwhText(of(series, month)),
          unit: 'kWh',
          source: source(series, `direct green line meters${facilityId ? ` from ${facilityId}` : ''}`),
        });
      }
      for (const series of heats) {
        const origin = series === 'heat:fossil' ? 'fossil' : 'non_fossil';
        activities.push({
          id: id(`heat_import:${origin}`),
          kind: 'heat',
          flow: 'import',
          origin,
          month,
          quantity: whToKwhText(of(series, month)),
          unit: 'GJ',
          source: source(series, `bought heat meters (${origin.replace('_', '-')})`),
        });
      }
      if (has('gas'))
        activities.push({
          id: id('gas'),
          kind: 'fuel',
          fuel: 'natural_gas',
          use: 'heat_supply',
          month,
          quantity: whToKwhText(of('gas', month)),
          unit: 'Nm3',
          source: source('gas', 'gas boiler meters (m³ taken as Nm³)'),
        });
    }
    return { enterpriseId: e.id, activities };
  });
}
