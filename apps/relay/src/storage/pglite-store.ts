import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { HistoryBucket, PointState, Reading } from '@zcp/model';
import { applyMigrations, loadMigrations, type MigrationTarget } from './migrations.js';
import { createDayPartitionCache, MARK_PENDING_MINUTES, maintainPartitions, minutesOf, NO_PARTITION } from './partitions.js';
import {
  COUNT_ALL,
  COUNT_OF_POINTS,
  HISTORY,
  historyParams,
  INSERT_READINGS,
  LATEST_OF_ALL,
  LATEST_OF_POINTS,
  pointIdsParam,
  readingColumns,
  toHistoryBucket,
  toPointState,
} from './reading-sql.js';
import type { ReadingStore } from './reading-store.js';
import { type StorageLogger, silentLogger } from './storage-logger.js';

export interface PgliteStoreOptions {
  /** Directory of the database files; undefined keeps the database in memory only. */
  dataDir?: string;
  logger?: StorageLogger;
}

/** Adapts a PGlite instance (or anything with its transaction API) to the migration runner. */
export function pgliteMigrationTarget(pg: Pick<PGlite, 'transaction'>): MigrationTarget {
  return {
    transaction: (fn) =>
      pg.transaction((tx: Transaction) =>
        fn({
          async exec(script) {
            await tx.exec(script);
          },
          async query<T>(text: string, params: unknown[] = []) {
            return (await tx.query<T>(text, params)).rows;
          },
        }),
      ),
  };
}

/**
 * A ReadingStore on embedded PGlite (PostgreSQL in WASM, one connection, queries run one
 * at a time) — same migrations and statements as the PostgreSQL store. Start-up takes
 * about two seconds, so create it once per process.
 *
 * @example
 * const store = await createPgliteStore({ dataDir: '.data/pglite', logger })
 * await store.migrate()
 */
export async function createPgliteStore(options: PgliteStoreOptions = {}): Promise<ReadingStore> {
  const logger = options.logger ?? silentLogger;
  const started = performance.now();
  const { dataDir } = options;
  // PGlite does not create missing parents, and the relay's default (.data/pglite) is missing
  // on a fresh checkout. URL-style dirs (memory://, idb://) are not paths.
  if (dataDir !== undefined && !dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const partitions = createDayPartitionCache(async <T>(text: string, params: unknown[]) => (await pg.query<T>(text, params)).rows);
  logger.debug({ dataDir: dataDir ?? 'memory', ms: Math.round(performance.now() - started) }, 'pglite started');

  const target = pgliteMigrationTarget(pg);
  return {
    kind: 'pglite',
    sql: {
      async query<T>(text: string, params: unknown[] = []) {
        return (await pg.query<T>(text, params)).rows;
      },
      transaction: target.transaction,
    },

    async migrate() {
      return applyMigrations(target, await loadMigrations(), logger);
    },

    async insertReadings(readings: readonly Reading[]) {
      if (readings.length === 0) return { inserted: 0 };
      const columns = readingColumns(readings); // validates before anything is written
      // Embedded: a set-based idempotent insert is fast enough; the COPY writer is PostgreSQL's.
      const attempt = async () => {
        await partitions.ensureFor(readings);
        return pg.transaction(async (tx) => {
          const result = await tx.query(INSERT_READINGS, columns);
          await tx.query(MARK_PENDING_MINUTES, [minutesOf(readings)]);
          return { inserted: result.affectedRows ?? 0 };
        });
      };
      try {
        return await attempt();
      } catch (e) {
        if ((e as { code?: string }).code !== NO_PARTITION) throw e;
        partitions.forget(); // a known day was dropped by retention meanwhile: re-create it, once
        return attempt();
      }
    },

    maintainPartitions(tables, nowMs) {
      return maintainPartitions(async <T>(text: string, params: unknown[]) => (await pg.query<T>(text, params)).rows, tables, nowMs);
    },

    async history(pointId, fromMs, toMs, bucketMs) {
      const params = historyParams(pointId, fromMs, toMs, bucketMs);
      if (!params) return [];
      return (await pg.query<HistoryBucket>(HISTORY, params)).rows.map(toHistoryBucket);
    },

    async latest(pointIds?: readonly number[]) {
      if (pointIds?.length === 0) return [];
      const result = pointIds ? await pg.query<PointState>(LATEST_OF_POINTS, [pointIdsParam(pointIds)]) : await pg.query<PointState>(LATEST_OF_ALL);
      return result.rows.map(toPointState);
    },

    async count(pointIds?: readonly number[]) {
      if (pointIds?.length === 0) return 0;
      const result = pointIds ? await pg.query<{ n: number }>(COUNT_OF_POINTS, [pointIdsParam(pointIds)]) : await pg.query<{ n: number }>(COUNT_ALL);
      return result.rows[0]?.n ?? 0;
    },

    async ping() {
      if (pg.closed) return false;
      try {
        await pg.query('select 1');
        return true;
      } catch (error) {
        logger.warn({ err: error }, 'pglite ping failed');
        return false;
      }
    },

    async close() {
      // PGlite throws when closed twice; close() is idempotent for callers.
      if (!pg.closed) await pg.close();
    },
  };
}
