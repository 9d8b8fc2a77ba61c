import type { MigrationTx } from './migrations.js';

/**
 * Plain SQL access to a store's database, for the modules that keep their own statements
 * beside the ReadingStore (rollups, partition maintenance). Both backends run the same
 * text with positional ($1…) parameters; see reading-sql.ts for the conventions that keep
 * their results identical (timestamps as ISO strings in, epoch ms as float8 out).
 *
 * @example
 * const [h] = await store.sql.query<{ ms: number }>('select 1::float8 as ms')
 * await store.sql.transaction(async (tx) => tx.query('select pg_advisory_xact_lock(1)'))
 */
export interface SqlClient {
  /** One statement, outside any explicit transaction. */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction: commit when it resolves, rollback when it throws. */
  transaction<T>(fn: (tx: MigrationTx) => Promise<T>): Promise<T>;
}
