import type { Reading } from '@zcp/model';
import { ROLLUP_TABLES } from './rollups/tables.js';

/**
 * The time-partitioned tables and how they are kept: partitions created `ahead` units in
 * advance (so writers never wait on DDL in steady state) and dropped whole once they are
 * older than their retention (never a row-by-row delete). The SQL helpers are in migration
 * 0002 (`zcp_ensure_partitions`, `zcp_drop_partitions_before`).
 */
export type PartitionUnit = 'day' | 'month' | 'year';

export interface PartitionedTable {
  table: string;
  unit: PartitionUnit;
  /** Partitions created ahead of now, in units. */
  ahead: number;
  /** Retention in days (undefined: kept forever). A partition goes when its end is older. */
  retentionDays: number | undefined;
}

export interface RetentionConfig {
  /** Raw readings, days. Default 30. */
  rawDays: number;
  /** 1-minute rollups, days. Default 90. */
  minuteDays?: number;
  /** 1-hour rollups, days. Default 3 years. */
  hourDays?: number;
}

export const DEFAULT_RETENTION: RetentionConfig = { rawDays: 30 };

/** Every partitioned table, with its retention from the configuration (1-day rollups are kept). */
export function partitionedTables(retention: RetentionConfig = DEFAULT_RETENTION): PartitionedTable[] {
  const override: Record<string, number | undefined> = { rollup_1m: retention.minuteDays, rollup_1h: retention.hourDays };
  return [
    { table: 'readings', unit: 'day', ahead: 3, retentionDays: retention.rawDays },
    ...ROLLUP_TABLES.map((t) => ({ ...t, retentionDays: override[t.table] ?? t.retentionDays })),
  ];
}

const DAY_MS = 86_400_000;
/** SQLSTATE of "no partition of relation … found for row". */
export const NO_PARTITION = '23514';

/** The statement that creates one table's missing partitions for [$2, $3]. */
export const ENSURE_PARTITIONS = 'select zcp_ensure_partitions($1, $2, $3::timestamptz, $4::timestamptz) as created';
/** The statement that drops one table's partitions that end at or before $2. */
export const DROP_PARTITIONS = 'select zcp_drop_partitions_before($1, $2::timestamptz) as dropped';

/** What one maintenance pass did. */
export interface PartitionMaintenance {
  created: number;
  dropped: string[];
}

/** Runs a statement and returns its rows (the store's own client). */
export type RunSql = <T>(text: string, params: unknown[]) => Promise<T[]>;

/**
 * One maintenance pass over every table: create partitions from the start of today to
 * `ahead` units on, drop the ones past retention. Idempotent; two relays may run it at once.
 */
export async function maintainPartitions(run: RunSql, tables: readonly PartitionedTable[], nowMs: number): Promise<PartitionMaintenance> {
  let created = 0;
  const dropped: string[] = [];
  for (const t of tables) {
    const aheadMs = t.ahead * (t.unit === 'day' ? DAY_MS : t.unit === 'month' ? 31 * DAY_MS : 366 * DAY_MS);
    const [row] = await run<{ created: number }>(ENSURE_PARTITIONS, [t.table, t.unit, new Date(nowMs).toISOString(), new Date(nowMs + aheadMs).toISOString()]);
    created += row?.created ?? 0;
    if (t.retentionDays !== undefined) {
      const rows = await run<{ dropped: string }>(DROP_PARTITIONS, [t.table, new Date(nowMs - t.retentionDays * DAY_MS).toISOString()]);
      dropped.push(...rows.map((r) => r.dropped));
    }
  }
  return { created, dropped };
}

/**
 * Remembers which days of `readings` have a partition, so a writer asks the database only
 * for a day it has not seen (late or future data), one day at a time — a stray timestamp in
 * 1970 creates one partition, not twenty thousand.
 */
export function createDayPartitionCache(run: RunSql): { ensureFor(readings: readonly Reading[]): Promise<void>; forget(): void } {
  const known = new Set<number>();
  return {
    async ensureFor(readings) {
      const missing = new Set<number>();
      for (const r of readings) {
        const day = Math.floor(r.ts / DAY_MS);
        if (!known.has(day)) missing.add(day);
      }
      for (const day of missing) {
        const iso = new Date(day * DAY_MS).toISOString();
        await run(ENSURE_PARTITIONS, ['readings', 'day', iso, iso]);
        known.add(day);
      }
    },
    forget: () => known.clear(),
  };
}

/** Distinct minute starts of the readings, as ISO strings: the rollup marks of one write. */
export function minutesOf(readings: readonly Reading[]): string[] {
  const minutes = new Set<number>();
  for (const r of readings) minutes.add(Math.floor(r.ts / 60_000));
  return [...minutes].map((m) => new Date(m * 60_000).toISOString());
}

/** Marks minutes for the rollup job, in the writer's transaction: append-only, never waits (0004). */
export const MARK_PENDING_MINUTES = 'insert into rollup_pending (bucket) select unnest($1::timestamptz[])';
