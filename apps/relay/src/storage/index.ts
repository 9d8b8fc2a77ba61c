import { createPgliteStore } from './pglite-store.js';
import { createPostgresStore } from './postgres-store.js';
import type { ReadingStore } from './reading-store.js';
import type { StorageLogger } from './storage-logger.js';

export { loadMigrations, MIGRATIONS_DIR, type Migration } from './migrations.js';
export { createPgliteStore, type PgliteStoreOptions } from './pglite-store.js';
export { createPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { MAX_TS_MS } from './reading-sql.js';
/*
 * The storage layer's surface. The contract suite is deliberately not exported here: it
 * imports vitest, which must not load in the running relay. Test files import it from
 * './reading-store-contract.js'.
 */
export type { ReadingStore } from './reading-store.js';
export { StorageError, type StorageErrorCode } from './storage-error.js';
export type { StorageLogger } from './storage-logger.js';

export interface ReadingStoreConfig {
  /** Set → PostgreSQL. */
  databaseUrl?: string | undefined;
  /** Used when databaseUrl is unset: PGlite's data directory; undefined → in memory. */
  dataDir?: string | undefined;
  logger: StorageLogger;
  /** PostgreSQL: connections of the COPY writer (one per storage worker). */
  writerConnections?: number;
}

/** Where a URL points, without user or password, for logs. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparsable url)';
  }
}

/**
 * Picks the backend from the config: PostgreSQL when `databaseUrl` is set, otherwise
 * embedded PGlite in `dataDir` (in memory when undefined). Logs which one it chose. The
 * store is not migrated yet: call `migrate()` before use.
 *
 * @example
 * const store = await createReadingStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger })
 * await store.migrate()
 */
export async function createReadingStore(config: ReadingStoreConfig): Promise<ReadingStore> {
  const { logger } = config;
  if (config.databaseUrl) {
    logger.info({ backend: 'postgres', database: describeUrl(config.databaseUrl) }, 'reading store: PostgreSQL');
    return createPostgresStore({ url: config.databaseUrl, logger, writerConnections: config.writerConnections });
  }
  logger.info({ backend: 'pglite', dataDir: config.dataDir ?? 'memory' }, 'reading store: embedded PGlite');
  return createPgliteStore({ dataDir: config.dataDir, logger });
}
