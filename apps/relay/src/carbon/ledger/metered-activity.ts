import { type ActivityItem, energyMeters, type Park } from '@zcp/model';
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
}

/** Whole Wh as exact kWh decimal text: 1234567 → '1234.567'. */
export function whToKwhText(wh: number): string {
  const whole = Math.trunc(wh / 1000);
  const frac = String(wh % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/**
 * Grid import and export of every enterprise per month of `period`, from the increases of its
 * energy meters (`energyMeters` of @zcp/model: main meters, else building meters, else loads)
 * read from the rollups at 1 h (1 min when the park's UTC offset is not whole hours). Months are
 * the park's local months. Each item's source is `metered` and names the meter points; an
 * enterprise without meters gets no items, a month without readings gives 0 kWh items only for
 * meters that exist.
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
  const meters = energyMeters(park).filter((m) => m.scope === 'enterprise' && index.has(m.enterpriseId as string));
  const groupOf = (enterpriseId: string, direction: 'import' | 'export'): number => 2 * (index.get(enterpriseId) as number) + (direction === 'export' ? 1 : 0);
  const ranges = period.months.map((month) => ({ month, range: monthRangeMs(month, offsetH) }));
  const fromMs = ranges[0]?.range[0] as number;
  const toMs = ranges[ranges.length - 1]?.range[1] as number;
  const rows = await energyIncreases(sql, {
    meters: meters.map((m) => ({ pointId: m.pointId, group: groupOf(m.enterpriseId as string, m.direction) })),
    fromMs,
    toMs,
    resolution,
  });
  // Whole Wh per (group, month), so sums are exact integers.
  const wh = new Map<string, number>();
  for (const r of rows) {
    const month = ranges.find((x) => r.t >= x.range[0] && r.t < x.range[1])?.month;
    if (!month) continue;
    const key = `${r.group}/${month}`;
    wh.set(key, (wh.get(key) ?? 0) + Math.round(r.increase * 1000));
  }
  const exportOrigin = options.exportOrigin ?? 'non_fossil';
  return park.enterprises.map((e) => {
    const activities: ActivityItem[] = [];
    for (const direction of ['import', 'export'] as const) {
      const points = meters.filter((m) => m.enterpriseId === e.id && m.direction === direction).map((m) => m.pointId);
      if (points.length === 0) continue;
      const group = groupOf(e.id, direction);
      for (const { month } of ranges) {
        const item: ActivityItem = {
          id: `metered:${e.id}:${direction}:${month}`,
          kind: 'electricity',
          flow: direction === 'import' ? 'grid_import' : 'grid_export',
          month,
          quantity: whToKwhText(Math.max(0, wh.get(`${group}/${month}`) ?? 0)),
          unit: 'kWh',
          source: { type: 'metered', note: `telemetry rollups ${resolution}, meter points ${points.join(', ')}` },
          ...(direction === 'export' ? { origin: exportOrigin } : {}),
        };
        activities.push(item);
      }
    }
    return { enterpriseId: e.id, activities };
  });
}
