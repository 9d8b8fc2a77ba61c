import {
  co2TonnesOfKwh,
  type EnergyBucket,
  energyMeters,
  NATIONAL_GRID_FACTOR_2023,
  type Park,
  type ParkEnergy,
  ROLLUP_RESOLUTION_MS,
  type RollupResolution,
  visibleEnterprise,
} from '@zcp/model';
import { z } from 'zod';
import { type EnergyRow, energyIncreases } from '../storage/rollups/index.js';
import type { SqlClient } from '../storage/sql-client.js';
import { ApiError } from './api-error.js';
import type { SecuredApp } from './secured-app.js';

/** Most buckets one series may have (a week of minutes is 10,080: ask for hours instead). */
export const MAX_ENERGY_BUCKETS = 10_000;
const HOUR_MS = 3600_000;
const DAY_MS = 86400_000;

const IsoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-25T08:00:00Z' });
const EnergyQuerySchema = z.object({
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  resolution: z.enum(['1m', '1h', '1d']).optional(),
  /** `enterprise`: the park and every enterprise; `park`: the park's grid connection only. */
  by: z.enum(['enterprise', 'park']).default('enterprise'),
});

export interface EnergyRange {
  fromMs: number;
  toMs: number;
  resolution: RollupResolution;
  by: 'enterprise' | 'park';
}

/**
 * Validates an energy query: default the last hour; resolution default 1m up to a day, 1h up
 * to 90 days, else 1d; the range widened to whole buckets of the resolution.
 */
export function resolveEnergyRange(query: Record<string, string | undefined>, nowMs: number): EnergyRange {
  const parsed = EnergyQuerySchema.safeParse(query);
  if (!parsed.success) throw ApiError.fromZod('invalid_query', parsed.error, 'query');
  const to = parsed.data.to ? Date.parse(parsed.data.to) : nowMs;
  const from = parsed.data.from ? Date.parse(parsed.data.from) : to - HOUR_MS;
  if (!(from < to)) throw new ApiError(400, 'invalid_range', `'from' (${new Date(from).toISOString()}) must be before 'to' (${new Date(to).toISOString()})`);
  const resolution = parsed.data.resolution ?? (to - from <= DAY_MS ? '1m' : to - from <= 90 * DAY_MS ? '1h' : '1d');
  const stepMs = ROLLUP_RESOLUTION_MS[resolution];
  const fromMs = Math.floor(from / stepMs) * stepMs;
  const toMs = Math.ceil(to / stepMs) * stepMs;
  if ((toMs - fromMs) / stepMs > MAX_ENERGY_BUCKETS)
    throw new ApiError(400, 'range_too_long', `${(toMs - fromMs) / stepMs} buckets of ${resolution} exceed the limit of ${MAX_ENERGY_BUCKETS}`);
  return { fromMs, toMs, resolution, by: parsed.data.by };
}

/** Increases (kWh) of one series' import and export rows → buckets with whole-Wh energies and carbon. */
function toBuckets(importRows: readonly EnergyRow[], exportRows: readonly EnergyRow[]): EnergyBucket[] {
  const byT = new Map<number, { importWh: number; exportWh: number }>();
  // Whole Wh, so import − export and the carbon below are exact integers before one division.
  for (const r of importRows) byT.set(r.t, { importWh: Math.round(r.increase * 1000), exportWh: 0 });
  for (const r of exportRows) {
    const b = byT.get(r.t);
    if (b) b.exportWh = Math.round(r.increase * 1000);
    else byT.set(r.t, { importWh: 0, exportWh: Math.round(r.increase * 1000) });
  }
  return [...byT.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, b]) => {
      const netKwh = (b.importWh - b.exportWh) / 1000;
      return { t, importKwh: b.importWh / 1000, exportKwh: b.exportWh / 1000, netKwh, co2T: co2TonnesOfKwh(netKwh) };
    });
}

export interface EnergyRouteDeps {
  /** The park model of an id (404 when undefined). */
  park(parkId: string): Park;
  sql(): SqlClient;
  now(): number;
}

/**
 * `GET /api/parks/:parkId/energy?from&to&resolution=1m|1h|1d&by=enterprise|park`: energy from the
 * increases of the park's and each enterprise's meter counters (energyMeters of
 * @zcp/model), read from the rollups, and its carbon at the national grid average factor.
 *
 * @example
 * registerEnergyRoute(app, { park: (id) => requirePark(id).index.park, sql: () => store.sql, now: Date.now })
 */
export function registerEnergyRoute(app: SecuredApp, deps: EnergyRouteDeps): void {
  app.get('/api/parks/:parkId/energy', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const range = resolveEnergyRange(c.req.query(), deps.now());
    const index = new Map(park.enterprises.map((e, i) => [e.id, i]));
    const meters = energyMeters(park).filter((m) => m.scope === 'park' || (range.by === 'enterprise' && index.has(m.enterpriseId as string)));
    const parkGroup = park.enterprises.length;
    // Group 2i = import of series i, 2i + 1 = export; the park is series parkGroup.
    const groupOf = (m: (typeof meters)[number]): number =>
      2 * (m.scope === 'park' ? parkGroup : (index.get(m.enterpriseId as string) ?? parkGroup)) + (m.direction === 'export' ? 1 : 0);
    const rows = await energyIncreases(deps.sql(), {
      meters: meters.map((m) => ({ pointId: m.pointId, group: groupOf(m) })),
      fromMs: range.fromMs,
      toMs: range.toMs,
      resolution: range.resolution,
    });
    // Rows come one per (group, bucket): split them by group once.
    const byGroup = new Map<number, EnergyRow[]>();
    for (const r of rows) {
      const list = byGroup.get(r.group);
      if (list) list.push(r);
      else byGroup.set(r.group, [r]);
    }
    const series = (i: number): EnergyBucket[] => toBuckets(byGroup.get(2 * i) ?? [], byGroup.get(2 * i + 1) ?? []);
    const body: ParkEnergy = {
      parkId: park.id,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      resolution: range.resolution,
      bucketMs: ROLLUP_RESOLUTION_MS[range.resolution],
      emissionFactor: { kgCo2PerKwh: NATIONAL_GRID_FACTOR_2023.gCo2PerMwh / 1e6, source: NATIONAL_GRID_FACTOR_2023.source },
      park: series(parkGroup),
      // Under a mask (enterprise-scoped people, executives) other enterprises' series are left out.
      enterprises:
        range.by === 'park'
          ? []
          : park.enterprises.flatMap((e, i) =>
              visibleEnterprise(c.get('principal'), c.get('mask'), e.id) ? [{ enterpriseId: e.id, buckets: series(i) }] : [],
            ),
    };
    return c.json(body);
  });
}
