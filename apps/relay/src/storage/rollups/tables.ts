/**
 * The rollup tables for partition maintenance (apps/relay/src/storage/partitions.ts): how
 * each is partitioned, how far ahead partitions are made and how long data is kept.
 *  - rollup_1m, monthly, 90 days: a chart of up to 7 days reads it; older minutes are only
 *    needed to re-roll late data, which raw retention (30 days) bounds anyway.
 *  - rollup_1h, yearly, 3 years: ranges up to 90 days read it; three years cover the base
 *    year and the acceptance period of the zero-carbon park indicators.
 *  - rollup_1d, yearly, kept: 365 rows per point a year; annual reports compare years.
 * Retention drops whole partitions, so data lives up to one partition longer than this.
 */
export interface RollupTable {
  table: 'rollup_1m' | 'rollup_1h' | 'rollup_1d';
  unit: 'month' | 'year';
  /** Partitions made ahead of now, counted in `unit`s. */
  ahead: number;
  /** Undefined: never dropped. */
  retentionDays: number | undefined;
}

export const ROLLUP_TABLES: readonly RollupTable[] = [
  { table: 'rollup_1m', unit: 'month', ahead: 1, retentionDays: 90 },
  { table: 'rollup_1h', unit: 'year', ahead: 1, retentionDays: 3 * 365 },
  { table: 'rollup_1d', unit: 'year', ahead: 1, retentionDays: undefined },
];
