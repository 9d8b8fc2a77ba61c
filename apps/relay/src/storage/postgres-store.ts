import type { HistoryBucket, PointState, Reading } from '@zcp/model';
import postgres from 'postgres';
import { createCopyWriter } from './copy-writer.js';
import { applyMigrations, loadMigrations, type MigrationTarget } from './migrations.js';
import { maintainPartitions } from './partitions.js';
import {
  COUNT_ALL,
  COUNT_OF_POINTS,
  HISTORY,
  historyParams,
  LATEST_OF_ALL,
  LATEST_OF_POINTS,
  pointIdsParam,
  toHistoryBucket,
  toPointState,
} from './reading-sql.js';
import type { ReadingStore } from './reading-store.js';
import { type StorageLogger, silentLogger } from './storage-logger.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db`. */
  url: string;
  logger?: StorageLogger;
  /** Pool size for queries (default 10). */
  maxConnections?: number;
  /** Connections of the COPY writer, one per concurrent storage worker (default 2). */
  writerConnections?: number;
}

const DEFAULT_MAX_CONNECTIONS = 10;
/** A health check must answer quickly, not wait out the driver's 30 s connect timeout. */
const PING_TIMEOUT_MS = 2_000;
/** Lets queries in flight finish on close before their connections are cut. */
const CLOSE_TIMEOUT_S = 5;

type Sql = postgres.Sql;
// The driver's parameter type is a deep union; ours are plain arrays, numbers and strings.
type Params = postgres.ParameterOrJSON<never>[];

function postgresMigrationTarget(sql: Sql): MigrationTarget {
  return {
    async transaction(fn) {
      const result = await sql.begin((tx) =>
        fn({
          async exec(script) {
            // Without parameters the driver uses the simple protocol: multi-statement scripts work.
            await tx.unsafe(script);
          },
          async query<T>(text: string, params: unknown[] = []) {
            return [...(await tx.unsafe(text, params as Params))] as T[];
          },
        }),
      );
      return result as Awaited<ReturnType<typeof fn>>;
    },
  };
}

/**
 * A ReadingStore on PostgreSQL (15+) through the `postgres` client. Connects lazily: the
 * first query opens the pool, so call `migrate()` (or `ping()`) at start-up to fail early.
 *
 * @example
 * const store = await createPostgresStore({ url: config.databaseUrl, logger })
 * await store.migrate()
 * await store.insertReadings([{ pointId: 1, ts: Date.now(), value: 21.5, quality: 'good' }])
 * await store.close()
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<ReadingStore> {
  const logger = options.logger ?? silentLogger;
  const sql = postgres(options.url, {
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    connection: { application_name: 'zcp-relay' },
    // The driver prints notices to the console by default; ours are chatter like "already exists, skipping".
    onnotice: (notice) => logger.debug({ notice: notice.message }, 'postgres notice'),
  });
  const writer = createCopyWriter({ url: options.url, connections: options.writerConnections, logger });

  const target = postgresMigrationTarget(sql);
  return {
    kind: 'postgres',
    sql: {
      async query<T>(text: string, params: unknown[] = []) {
        return [...(await sql.unsafe(text, params as Params))] as T[];
      },
      transaction: target.transaction,
    },

    async migrate() {
      return applyMigrations(target, await loadMigrations(), logger);
    },

    async insertReadings(readings: readonly Reading[]) {
      const { inserted, merged } = await writer.write(readings);
      if (merged) logger.info({ readings: readings.length, inserted }, 'readings already stored (redelivery): merged, duplicates skipped');
      return { inserted };
    },

    maintainPartitions(tables, nowMs) {
      return maintainPartitions(async <T>(text: string, params: unknown[]) => [...(await sql.unsafe(text, params as Params))] as T[], tables, nowMs);
    },

    async history(pointId, fromMs, toMs, bucketMs) {
      const params = historyParams(pointId, fromMs, toMs, bucketMs);
      if (!params) return [];
      const rows = await sql.unsafe<HistoryBucket[]>(HISTORY, params);
      return rows.map(toHistoryBucket);
    },

    async latest(pointIds?: readonly number[]) {
      if (pointIds?.length === 0) return [];
      const rows = pointIds ? await sql.unsafe<PointState[]>(LATEST_OF_POINTS, [pointIdsParam(pointIds)]) : await sql.unsafe<PointState[]>(LATEST_OF_ALL);
      return rows.map(toPointState);
    },

    async count(pointIds?: readonly number[]) {
      if (pointIds?.length === 0) return 0;
      const rows = pointIds ? await sql.unsafe<{ n: number }[]>(COUNT_OF_POINTS, [pointIdsParam(pointIds)]) : await sql.unsafe<{ n: number }[]>(COUNT_ALL);
      return rows[0]?.n ?? 0;
    },

    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([sql`select 1`, timeout]);
        return true;
      } catch (error) {
        logger.warn({ err: error }, 'postgres ping failed');
        return false;
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      await Promise.all([sql.end({ timeout: CLOSE_TIMEOUT_S }), writer.close()]);
    },
  };
}
