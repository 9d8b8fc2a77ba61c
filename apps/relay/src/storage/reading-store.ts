import type { HistoryBucket, PointState, Reading } from '@zcp/model';
import type { PartitionedTable, PartitionMaintenance } from './partitions.js';
import type { SqlClient } from './sql-client.js';

/**
 * Where readings live. Two implementations keep one contract
 * (src/storage/reading-store-contract.ts): PostgreSQL through the `postgres` client
 * (`DATABASE_URL` set) and embedded PGlite — same SQL migrations for both.
 */
export interface ReadingStore {
  readonly kind: 'postgres' | 'pglite';
  /** Plain SQL on the same database, for modules with their own statements (rollups). */
  readonly sql: SqlClient;
  /** Applies pending versioned migrations (idempotent, safe to call at every start-up). */
  migrate(): Promise<{ applied: string[] }>;
  /**
   * Stores readings in one transaction. Idempotent: a (pointId, ts) already stored is
   * skipped, so a redelivered batch never creates duplicate rows. The same transaction
   * creates a missing day partition first and marks the touched minutes for the rollups.
   */
  insertReadings(readings: readonly Reading[]): Promise<{ inserted: number }>;
  /** Creates partitions ahead and drops those past retention (see partitions.ts). */
  maintainPartitions(tables: readonly PartitionedTable[], nowMs: number): Promise<PartitionMaintenance>;
  /** Buckets of `bucketMs` between from (inclusive) and to (exclusive), oldest first. */
  history(pointId: number, fromMs: number, toMs: number, bucketMs: number): Promise<HistoryBucket[]>;
  /** Latest reading of each point (optionally only the given ones) — warms the live state. */
  latest(pointIds?: readonly number[]): Promise<PointState[]>;
  /** Count of stored readings, optionally for a set of points (tests and benchmarks). */
  count(pointIds?: readonly number[]): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
